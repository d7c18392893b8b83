package dev.tenantlimit.tenant;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What is stored of an API key: never the key itself.
 *
 * @param id key id
 * @param tenantId owning tenant
 * @param name what the key is for
 * @param prefix the key's first characters, for recognising it
 * @param createdAt when it was created
 * @param revokedAt when it was revoked, or {@code null} while it works
 */
public record ApiKeyInfo(String id, String tenantId, String name, String prefix, Instant createdAt,
		@Nullable Instant revokedAt) {

}
