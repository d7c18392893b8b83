package dev.tenantlimit.lease;

import dev.tenantlimit.limiter.RateLimitDecision;

/**
 * Permits counted by a {@link PermitSource} for later use.
 *
 * @param decision where the quotas stand after the reservation (refused when none was granted)
 * @param granted how many permits were counted, 0 when refused
 * @param member how the store names this reservation's entries
 * @param endMicros the latest time a permit may be used, on the store's clock: where they are
 * counted
 */
public record Reservation(RateLimitDecision decision, int granted, String member, long endMicros) {

}
