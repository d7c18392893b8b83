package dev.tenantlimit.lease;

import java.time.Duration;
import java.util.List;

import dev.tenantlimit.limiter.SharedRateLimiter;
import dev.tenantlimit.quota.Quota;

/**
 * A shared limiter that can count several permits in one decision, to be used later by the
 * instance that asked for them.
 */
public interface PermitSource extends SharedRateLimiter {

	/**
	 * Count up to {@code permits} permits of every quota at once, all or nothing across the
	 * quotas, each at the latest time it may be used ({@code lease} from now), so it stays counted
	 * at least one window after its use. Near a limit fewer are granted, down to one.
	 * @param permits at least 2
	 * @param lease how long after this call the permits may be used; the caller uses none after
	 * {@code lease} has passed since it made the call
	 * @param firstForRequest whether the first permit is the request's being decided, used now
	 * (counted now, not at the lease's end)
	 * @return what was granted: none when a quota is full, and then the decision says why
	 * @throws dev.tenantlimit.limiter.RateLimiterUnavailableException when the store cannot decide
	 */
	Reservation reserve(String tenantId, List<Quota> quotas, int permits, Duration lease, boolean firstForRequest);

	/**
	 * Give back permits of a reservation that were not used and no longer can be, so others can
	 * have them before they would expire.
	 * @param firstUnused the number (from 0) of the first permit given back; the rest follow it
	 * @param unused how many are given back
	 * @throws dev.tenantlimit.limiter.RateLimiterUnavailableException when the store cannot take them
	 */
	void release(String tenantId, List<Quota> quotas, Reservation reservation, int firstUnused, int unused);

}
