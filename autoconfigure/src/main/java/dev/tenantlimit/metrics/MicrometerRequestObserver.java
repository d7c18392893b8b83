package dev.tenantlimit.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.tenantlimit.web.RequestObserver;
import io.micrometer.core.instrument.Counter;
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

	private final MeterRegistry registry;

	private final boolean tenantTag;

	private final Map<String, Counter> byOutcome = new ConcurrentHashMap<>();

	private final Timer decision;

	private final Timer filter;

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

	private static Counter.Builder counter(String outcome) {
		return Counter.builder(REQUESTS).description("Requests decided by TenantLimit, by outcome").tag("outcome", outcome);
	}

}
