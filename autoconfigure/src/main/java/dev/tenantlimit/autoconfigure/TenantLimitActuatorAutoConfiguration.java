package dev.tenantlimit.autoconfigure;

import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.tenantlimit.actuate.TenantLimitEndpoint;
import dev.tenantlimit.actuate.TenantLimitHealthIndicator;
import dev.tenantlimit.limiter.FallbackState;
import dev.tenantlimit.limiter.QuotaUsageReader;
import dev.tenantlimit.limiter.RateLimiter;
import dev.tenantlimit.limiter.SharedRateLimiter;
import dev.tenantlimit.tenant.TenantCache;
import dev.tenantlimit.web.TenantRateLimitFilter;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Actuator support, when the actuator is there: the {@code tenantlimit} health contributor and
 * the {@code tenantlimit} endpoint.
 */
@AutoConfiguration(after = TenantLimitWebAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(TenantRateLimitFilter.class)
@EnableConfigurationProperties(TenantLimitProperties.class)
public final class TenantLimitActuatorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	TenantLimitEndpoint tenantLimitEndpoint(TenantLimitProperties properties, FallbackState fallback,
			TenantCache tenants, ObjectProvider<QuotaUsageReader> usage) {
		// read at each call: a reloaded configuration shows (see ConfigurationReload)
		return new TenantLimitEndpoint(() -> effectiveConfiguration(properties), fallback, tenants,
				usage.getIfAvailable(), () -> ConfiguredQuotas.defaultQuotas(properties));
	}

	/**
	 * The bound properties as a map: resources by their description, and every secret masked,
	 * wherever it is nested ({@code jwt.secret}, {@code admin.jwt.secret}, any later one).
	 */
	static Map<String, Object> effectiveConfiguration(TenantLimitProperties properties) {
		JsonMapper mapper = JsonMapper.builder().addMixIn(Resource.class, ResourceDescription.class).build();
		Map<String, Object> configuration = mapper.convertValue(properties, new TypeReference<Map<String, Object>>() {
		});
		mask(configuration);
		return configuration;
	}

	@SuppressWarnings("unchecked")
	private static void mask(Map<String, Object> configuration) {
		for (Map.Entry<String, Object> entry : configuration.entrySet()) {
			String key = entry.getKey().toLowerCase(Locale.ROOT);
			if (entry.getValue() != null && (key.endsWith("secret") || key.endsWith("password"))) {
				entry.setValue("******");
			}
			else if (entry.getValue() instanceof Map<?, ?> nested) {
				mask((Map<String, Object>) nested);
			}
		}
	}

	abstract static class ResourceDescription {

		@JsonValue
		abstract String getDescription();

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(AbstractHealthIndicator.class)
	@ConditionalOnBean(RedisConnectionFactory.class)
	@ConditionalOnEnabledHealthIndicator("tenantlimit")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "tenantlimitHealthIndicator")
		TenantLimitHealthIndicator tenantlimitHealthIndicator(RateLimiter rateLimiter, FallbackState fallback) {
			return new TenantLimitHealthIndicator(SharedRateLimiter.of(rateLimiter)::reachable, fallback);
		}

	}

}
