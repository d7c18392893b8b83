package dev.tenantlimit.autoconfigure;

import dev.tenantlimit.web.TenantRateLimitFilter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters of TenantLimit, as a {@link MeterBinder} that Spring Boot binds to every
 * registry; ordered after Boot's metrics auto-configuration by name, so Micrometer stays
 * optional.
 */
@AutoConfiguration(after = TenantLimitWebAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration")
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(TenantRateLimitFilter.class)
public final class TenantLimitMetricsAutoConfiguration {

	@Bean
	MeterBinder tenantLimitMeters(TenantRateLimitFilter filter) {
		return (registry) -> {
			FunctionCounter.builder("tenantlimit.requests", filter, TenantRateLimitFilter::bypassedRequests)
				.tag("outcome", "bypassed")
				.description("Requests decided by TenantLimit, by outcome")
				.register(registry);
			FunctionCounter.builder("tenantlimit.requests", filter, TenantRateLimitFilter::dryRunDeniedRequests)
				.tag("outcome", "dry-run-denied")
				.description("Requests decided by TenantLimit, by outcome")
				.register(registry);
		};
	}

}
