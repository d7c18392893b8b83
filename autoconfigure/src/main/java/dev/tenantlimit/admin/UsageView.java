package dev.tenantlimit.admin;

import dev.tenantlimit.limiter.QuotaUsage;
import org.jspecify.annotations.Nullable;

/**
 * Where one quota of a tenant stands.
 *
 * @param quotaId the stored quota's id; {@code null} for a configured default
 * @param limit requests per window
 * @param window ISO-8601 window
 * @param used requests in the current window
 * @param remaining requests still admitted
 * @param resetAfterMs milliseconds until the quota is fully available again
 */
public record UsageView(@Nullable Long quotaId, long limit, String window, long used, long remaining,
		long resetAfterMs) {

	static UsageView of(QuotaUsage usage) {
		return new UsageView(usage.quota().id(), usage.quota().limit(), usage.quota().window().toString(), usage.used(),
				usage.remaining(), usage.resetAfter().toMillis());
	}

}
