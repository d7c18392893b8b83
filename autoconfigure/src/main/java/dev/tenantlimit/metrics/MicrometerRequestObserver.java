package dev.tenantlimit.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.tenantlimit.web.RequestObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * Records the filter's outcomes in {@code tenantlimit.requests} (tag {@code outcome}, and
 * {@code tenant} when asked for: one series per tenant, so off by default) and its latency in
 * the timers {@code tenantlimit.decision} (the limiter alone: one Redis round trip, or the
 * fallback) and {@code tenantlimit.filter} (all the filter does before the application), both
 * with percentile histograms.
 */
public class MicrometerRequestObserver implements RequestObserver {

	private static final String REQUESTS = "tenantlimit.requests";

	private static final String QUOTA_USAGE = "tenantlimit.quota.usage";

	private final MeterRegistry registry;

	private final boolean tenantTag;

	private final Map<String, Counter> byOutcome = new ConcurrentHashMap<>();

	private final Timer decision;

	private final Timer filter;

	private final @Nullable DistributionSummary usage;

	/** With the tenant tag: one summary per tenant, looked up once, not built on every request. */
	private final Map<String, DistributionSummary> usageByTenant = new ConcurrentHashMap<>();

	public MicrometerRequestObserver(MeterRegistry registry, boolean tenantTag) {
		this.registry = registry;
		this.tenantTag = tenantTag;
		this.decision = Timer.builder("tenantlimit.decision")
			.description("Time the rate limiter took to decide: one Redis round trip, or the local fallback")
			.publishPercentileHistogram()
			.register(registry);
		this.filter = Timer.builder("tenantlimit.filter")
			.description("Time TenantLimit's filter took before the application, the decision included")
			.publishPercentileHistogram()
			.register(registry);
		this.usage = tenantTag ? null : usage().register(registry);
	}

	@Override
	public void outcome(String outcome, @Nullable String tenantId) {
		if (this.tenantTag) {
			counter(outcome).tag("tenant", (tenantId != null) ? tenantId : "none").register(this.registry).increment();
		}
		else {
			this.byOutcome.computeIfAbsent(outcome, (name) -> counter(name).register(this.registry)).increment();
		}
	}

	@Override
	public void decision(long nanos) {
		this.decision.record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void filter(long nanos) {
		this.filter.record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void usage(String tenantId, double fraction) {
		if (this.usage != null) {
			this.usage.record(fraction);
		}
		else {
			this.usageByTenant.computeIfAbsent(tenantId, (tenant) -> usage().tag("tenant", tenant).register(this.registry))
				.record(fraction);
		}
	}

	/** Three buckets: the alert on tenants near their quota reads the one at 0.9. */
	private static DistributionSummary.Builder usage() {
		return DistributionSummary.builder(QUOTA_USAGE)
			.description("How full the fullest of a request's quotas was after its decision (used over capacity)")
			.serviceLevelObjectives(0.5, 0.9, 1.0);
	}

	private static Counter.Builder counter(String outcome) {
		return Counter.builder(REQUESTS).description("Requests decided by TenantLimit, by outcome").tag("outcome", outcome);
	}

}
