package dev.tenantlimit.admin;

import org.jspecify.annotations.Nullable;

/**
 * Body of {@code PATCH {base}/tenants/{id}}: only the fields present change. An empty
 * {@code plan} takes the tenant off its plan.
 *
 * @param name display name
 * @param plan plan the tenant is on
 * @param status {@code ACTIVE} or {@code SUSPENDED}
 */
public record TenantPatch(@Nullable String name, @Nullable String plan, @Nullable String status) {

}
