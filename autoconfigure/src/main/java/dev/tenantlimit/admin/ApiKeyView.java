package dev.tenantlimit.admin;

import java.time.Instant;

import dev.tenantlimit.tenant.ApiKeyInfo;
import org.jspecify.annotations.Nullable;

/** A stored key, without its secret. */
public record ApiKeyView(String id, String name, String prefix, Instant createdAt, @Nullable Instant revokedAt) {

	static ApiKeyView of(ApiKeyInfo key) {
		return new ApiKeyView(key.id(), key.name(), key.prefix(), key.createdAt(), key.revokedAt());
	}

}
