package dev.tenantlimit.admin;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One change made through the admin API.
 *
 * @param id entry id, increasing
 * @param tenantId the tenant changed, or {@code null} for a plan
 * @param actor who made the change
 * @param action what was done, e.g. {@code tenant.update}
 * @param target what it was done to, e.g. {@code acme} or {@code plan:pro}
 * @param before JSON of the state before, or {@code null}
 * @param after JSON of the state after, or {@code null}
 * @param createdAt when
 */
public record AuditEntry(long id, @Nullable String tenantId, String actor, String action, String target,
		@Nullable String before, @Nullable String after, Instant createdAt) {

}
