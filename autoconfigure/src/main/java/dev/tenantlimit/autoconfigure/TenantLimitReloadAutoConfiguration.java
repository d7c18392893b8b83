package dev.tenantlimit.autoconfigure;

import dev.tenantlimit.limiter.FallbackState;
import dev.tenantlimit.reload.ConfigurationReload;
import dev.tenantlimit.web.TenantRateLimitFilter;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Live configuration: {@code tenantlimit.*} in the configuration files outside the application
 * (a mounted ConfigMap) applies without a restart where a request reads it (see
 * {@link LiveSettings}). A file watch of Boot's own locations rather than Spring Cloud
 * Kubernetes' reload: no Kubernetes API access, no refresh scope, and it works outside
 * Kubernetes the same.
 */
@AutoConfiguration(after = TenantLimitWebAutoConfiguration.class)
@ConditionalOnBean(TenantRateLimitFilter.class)
@ConditionalOnBooleanProperty(name = "tenantlimit.reload.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TenantLimitProperties.class)
public final class TenantLimitReloadAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ConfigurationReload tenantLimitConfigurationReload(ConfigurableEnvironment environment,
			TenantLimitProperties properties, TenantRateLimitFilter filter, FallbackState fallback) {
		return new ConfigurationReload(environment, ConfigurationReload.externalLocations(environment),
				properties.getReload().getInterval(), "tenantlimit", new LiveSettings(properties, filter, fallback));
	}

}
