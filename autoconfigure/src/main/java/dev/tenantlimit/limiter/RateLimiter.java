package dev.tenantlimit.limiter;

import java.util.List;

import dev.tenantlimit.quota.Quota;

/**
 * Decides whether a tenant's request is admitted under a set of quotas, all or nothing: the
 * request is recorded in every quota when all have room, and in none when any is full.
 */
public interface RateLimiter {

	/**
	 * Decide one request and record it if admitted.
	 * @param tenantId the tenant
	 * @param quotas the quotas that apply to the request, at least one
	 * @return the decision
	 * @throws RateLimiterUnavailableException when the limiter's backing store cannot be reached
	 */
	RateLimitDecision tryAcquire(String tenantId, List<Quota> quotas);

}
