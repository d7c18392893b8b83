package dev.tenantlimit.admin;

import java.time.Instant;

/** A key just created: the only answer that ever carries the key itself. */
public record NewApiKeyView(String id, String name, String key, Instant createdAt) {

}
