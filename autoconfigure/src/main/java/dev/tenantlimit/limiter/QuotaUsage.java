package dev.tenantlimit.limiter;

import java.time.Duration;

import dev.tenantlimit.quota.Quota;

/**
 * Where one quota stands after a decision.
 *
 * @param quota the quota
 * @param used requests admitted in the current window, this one included when it was admitted
 * @param resetAfter time until the whole quota is available again
 * @param exceeded whether this quota refused the request, or for a shadow quota would have
 */
public record QuotaUsage(Quota quota, long used, Duration resetAfter, boolean exceeded) {

	/**
	 * Requests still admitted in the current window (tokens left in a token bucket); 0 when over a
	 * lowered limit.
	 */
	public long remaining() {
		return Math.max(0, this.quota.capacity() - this.used);
	}

}
