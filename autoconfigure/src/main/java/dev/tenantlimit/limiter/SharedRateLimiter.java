package dev.tenantlimit.limiter;

import java.util.List;

import dev.tenantlimit.quota.Quota;

/**
 * A {@link RateLimiter} shared by every instance, with what the failover needs to come back to it
 * after an outage: a probe that tells whether it answers again, and a way to add to its counters
 * what the instance admitted without it.
 */
public interface SharedRateLimiter extends RateLimiter {

	/**
	 * Whether the store answers now: one cheap round trip within the limiter's timeout, and no
	 * wait at all on a connection that is not open.
	 */
	boolean reachable();

	/**
	 * Add requests admitted without the store to its counters, into the windows they were admitted
	 * in.
	 * @param batch the admissions of one tenant under one quota
	 * @throws RateLimiterUnavailableException when the store cannot take them now
	 */
	void writeBack(LocalAdmissions.Batch batch);

	/**
	 * Whether the last decision this thread got from {@link #tryAcquire} was made from memory,
	 * without a call to the store (a lease): it says nothing of the store's health.
	 */
	default boolean lastAnsweredFromMemory() {
		return false;
	}

	/**
	 * {@code limiter} as a shared limiter: itself when it is one, else one that is always worth a
	 * try again and keeps nothing of what was admitted without it.
	 */
	static SharedRateLimiter of(RateLimiter limiter) {
		if (limiter instanceof SharedRateLimiter shared) {
			return shared;
		}
		return new SharedRateLimiter() {

			@Override
			public RateLimitDecision tryAcquire(String tenantId, List<Quota> quotas) {
				return limiter.tryAcquire(tenantId, quotas);
			}

			@Override
			public boolean reachable() {
				return true;
			}

			@Override
			public void writeBack(LocalAdmissions.Batch batch) {
				// nowhere to write them: the limiter counts from scratch again
			}

		};
	}

}
