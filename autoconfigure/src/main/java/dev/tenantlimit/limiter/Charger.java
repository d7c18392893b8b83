package dev.tenantlimit.limiter;

import java.util.List;

import dev.tenantlimit.quota.Quota;

/** Counts units an application charges for a request after its work, whatever room the quotas have. */
@FunctionalInterface
public interface Charger {

	/**
	 * @param tenantId the tenant (or anonymous address) the request was counted for
	 * @param quotas the request's charged quotas, at least one
	 * @param units at least 1
	 * @throws RateLimiterUnavailableException when the shared limiter cannot take it
	 */
	void charge(String tenantId, List<Quota> quotas, long units);

}
