package dev.tenantlimit.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.tenantlimit.limiter.FallbackState;
import dev.tenantlimit.limiter.QuotaUsage;
import dev.tenantlimit.limiter.QuotaUsageReader;
import dev.tenantlimit.limiter.RateLimiterUnavailableException;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantCache;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code /actuator/tenantlimit}: the effective configuration (secrets masked) and the fallback
 * state; {@code /actuator/tenantlimit/{tenant}}: one tenant's quotas and current usage, read
 * without recording anything.
 */
@Endpoint(id = "tenantlimit")
public class TenantLimitEndpoint {

	private final Supplier<Map<String, Object>> configuration;

	private final FallbackState fallback;

	private final TenantCache tenants;

	private final @Nullable QuotaUsageReader usage;

	private final Supplier<List<Quota>> defaultQuotas;

	/**
	 * @param configuration the effective configuration now, already masked
	 * @param defaultQuotas the quotas of tenants without their own now
	 */
	public TenantLimitEndpoint(Supplier<Map<String, Object>> configuration, FallbackState fallback,
			TenantCache tenants, @Nullable QuotaUsageReader usage, Supplier<List<Quota>> defaultQuotas) {
		this.configuration = configuration;
		this.fallback = fallback;
		this.tenants = tenants;
		this.usage = usage;
		this.defaultQuotas = defaultQuotas;
	}

	@ReadOperation
	public Map<String, Object> configuration() {
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("configuration", this.configuration.get());
		answer.put("fallback", Map.of("active", this.fallback.isActive(), "liveInstances",
				this.fallback.liveInstances(), "localDecisions", this.fallback.localDecisions(), "writtenBack",
				this.fallback.writtenBack(), "outages", this.fallback.outages()));
		return answer;
	}

	@ReadOperation
	public @Nullable Map<String, Object> tenant(@Selector String tenant) {
		Tenant found = this.tenants.tenant(tenant).orElse(null);
		if (found == null) {
			return null;
		}
		List<Quota> quotas = found.quotas().isEmpty() ? this.defaultQuotas.get() : found.quotas();
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("tenant", found.id());
		answer.put("status", found.status().name());
		answer.put("plan", found.plan());
		answer.put("quotas", quotas.stream().map(TenantLimitEndpoint::quota).toList());
		answer.put("usage", usage(found.id(), quotas));
		return answer;
	}

	private Object usage(String tenantId, List<Quota> quotas) {
		if (this.usage == null) {
			return "not available";
		}
		try {
			return this.usage.usage(tenantId, quotas).stream().map(TenantLimitEndpoint::usage).toList();
		}
		catch (RateLimiterUnavailableException ex) {
			return "Redis unavailable";
		}
	}

	private static Map<String, Object> quota(Quota quota) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("policy", quota.policyName());
		map.put("limit", quota.limit());
		map.put("window", quota.window().toString());
		map.put("path", quota.path());
		map.put("methods", List.copyOf(quota.methods()));
		map.put("shadow", quota.shadow());
		map.put("algorithm", quota.algorithm().id());
		if (quota.burst() > 0) {
			map.put("burst", quota.burst());
		}
		map.put("shards", quota.shards());
		map.put("lease", quota.lease());
		map.put("cost", quota.cost());
		map.put("per", quota.per());
		map.put("charged", quota.charged());
		map.put("delay", quota.delay().toString());
		return map;
	}

	private static Map<String, Object> usage(QuotaUsage usage) {
		return Map.of("policy", usage.quota().policyName(), "used", usage.used(), "remaining", usage.remaining(),
				"resetAfterMs", usage.resetAfter().toMillis());
	}

}
