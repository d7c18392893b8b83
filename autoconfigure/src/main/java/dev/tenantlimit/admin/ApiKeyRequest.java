package dev.tenantlimit.admin;

import org.jspecify.annotations.Nullable;

/** Body of {@code POST {base}/tenants/{id}/api-keys}: what the key is for. */
public record ApiKeyRequest(@Nullable String name) {

}
