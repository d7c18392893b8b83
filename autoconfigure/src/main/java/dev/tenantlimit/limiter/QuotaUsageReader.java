package dev.tenantlimit.limiter;

import java.util.List;

import dev.tenantlimit.quota.Quota;

/** Reads and resets a tenant's counters without deciding a request. */
public interface QuotaUsageReader {

	/** Where each quota stands now; nothing is recorded. */
	List<QuotaUsage> usage(String tenantId, List<Quota> quotas);

	/** Forget every request counted against these quotas of the tenant. */
	void reset(String tenantId, List<Quota> quotas);

}
