package dev.tenantlimit.autoconfigure;

import dev.tenantlimit.lease.LeaseStats;
import dev.tenantlimit.limiter.BackgroundCharges;
import dev.tenantlimit.limiter.FallbackState;
import dev.tenantlimit.metrics.MicrometerRequestObserver;
import dev.tenantlimit.web.InFlight;
import dev.tenantlimit.web.TenantRateLimitFilter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters of TenantLimit; ordered after Spring Boot's metrics auto-configurations by
 * name, so Micrometer stays optional. Counters and timers come from a
 * {@link MicrometerRequestObserver}; gauges from a {@link MeterBinder} that Boot binds to every
 * registry.
 */
@AutoConfiguration(after = TenantLimitWebAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, TenantRateLimitFilter.class })
@EnableConfigurationProperties(TenantLimitProperties.class)
public final class TenantLimitMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MicrometerRequestObserver tenantLimitRequestObserver(MeterRegistry registry, TenantLimitProperties properties) {
		return new MicrometerRequestObserver(registry, properties.getMetrics().isTenantTag());
	}

	@Bean
	MeterBinder tenantLimitGauges(TenantRateLimitFilter filter, FallbackState fallback, LeaseStats leases,
			ObjectProvider<BackgroundCharges> charges) {
		return (registry) -> {
			leases(registry, leases);
			charges.ifAvailable((sender) -> charges(registry, sender));
			inFlight(registry, "read", filter.readsInFlight());
			inFlight(registry, "mutating", filter.writesInFlight());
			Gauge.builder("tenantlimit.shaping.waiting", filter, TenantRateLimitFilter::heldRequests)
				.description("Requests held for quotas with a delay, waiting to be admitted")
				.register(registry);
			Gauge.builder("tenantlimit.fallback.active", fallback, (state) -> state.isActive() ? 1 : 0)
				.description("1 while this instance decides without Redis (fail mode), else 0")
				.register(registry);
			Gauge.builder("tenantlimit.instances", fallback, FallbackState::liveInstances)
				.description("Live instances sharing the quotas, as last counted through Redis heartbeats")
				.register(registry);
			FunctionCounter.builder("tenantlimit.fallback.decisions", fallback, FallbackState::localDecisions)
				.description("Requests decided without Redis: during outages, and single replies later than the timeout")
				.register(registry);
			FunctionCounter.builder("tenantlimit.fallback.written.back", fallback, FallbackState::writtenBack)
				.description("Requests admitted without Redis and written into its counters since")
				.register(registry);
			FunctionCounter.builder("tenantlimit.fallback.outages", fallback, FallbackState::outages)
				.description("Times this instance held Redis for unreachable")
				.register(registry);
		};
	}

	private static void charges(MeterRegistry registry, BackgroundCharges charges) {
		FunctionCounter.builder("tenantlimit.charges.sent", charges, BackgroundCharges::sent)
			.description("Charges after the work that Redis counted")
			.register(registry);
		FunctionCounter.builder("tenantlimit.charges.dropped", charges, BackgroundCharges::dropped)
			.description("Charges after the work dropped: the queue was full or Redis could not take them")
			.register(registry);
	}

	private static void leases(MeterRegistry registry, LeaseStats leases) {
		FunctionCounter.builder("tenantlimit.lease.admissions", leases, LeaseStats::localAdmissions)
			.description("Requests admitted from a lease: permits Redis counted before, no Redis call of their own")
			.register(registry);
		FunctionCounter.builder("tenantlimit.lease.reservations", leases, LeaseStats::reservations)
			.description("Redis calls that reserved a batch of permits for a lease")
			.register(registry);
		FunctionCounter.builder("tenantlimit.lease.permits.granted", leases, LeaseStats::granted)
			.description("Permits granted to leases (divided by reservations: the mean batch)")
			.register(registry);
		FunctionCounter.builder("tenantlimit.lease.permits.returned", leases, LeaseStats::returned)
			.description("Permits of leases given back unused when their lease ended")
			.register(registry);
	}

	private static void inFlight(MeterRegistry registry, String kind, InFlight inFlight) {
		Gauge.builder("tenantlimit.inflight", inFlight, InFlight::current)
			.description("Requests past TenantLimit's filter and not finished")
			.tag("kind", kind)
			.register(registry);
		Gauge.builder("tenantlimit.inflight.max", inFlight, InFlight::takeMax)
			.description("Most requests in flight since the last read of this gauge (a watermark per scrape)")
			.tag("kind", kind)
			.register(registry);
	}

}
