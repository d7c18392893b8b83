package dev.tenantlimit.admin;

import org.jspecify.annotations.Nullable;

/**
 * Body of {@code POST {base}/tenants}.
 *
 * @param id tenant id, {@code [a-z0-9][a-z0-9_-]{0,63}}
 * @param name display name
 * @param plan plan the tenant is on, optional; it must exist
 */
public record TenantRequest(@Nullable String id, @Nullable String name, @Nullable String plan) {

}
