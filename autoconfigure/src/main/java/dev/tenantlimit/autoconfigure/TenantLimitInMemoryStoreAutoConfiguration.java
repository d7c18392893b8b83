package dev.tenantlimit.autoconfigure;

import dev.tenantlimit.tenant.InMemoryTenantStore;
import dev.tenantlimit.tenant.TenantStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Without a {@code DataSource} (or Spring JDBC), the tenants live in each instance's memory: the
 * application starts, and verified tenants are limited with the default quotas. One log line says
 * so and how to move to a database.
 */
@AutoConfiguration(after = TenantLimitJdbcAutoConfiguration.class, before = TenantLimitWebAutoConfiguration.class)
@ConditionalOnMissingBean(TenantStore.class)
@ConditionalOnBooleanProperty(name = "tenantlimit.enabled", matchIfMissing = true)
public final class TenantLimitInMemoryStoreAutoConfiguration {

	private static final Log logger = LogFactory.getLog(TenantLimitInMemoryStoreAutoConfiguration.class);

	@Bean
	InMemoryTenantStore inMemoryTenantStore() {
		logger.info("TenantLimit keeps tenants in memory, per instance (no DataSource): verified tenants get "
				+ "tenantlimit.default-quotas. To store tenants, plans, quotas and API keys and manage them through "
				+ "the admin API, add spring-boot-starter-jdbc and a database (see docs/getting-started.md)");
		return new InMemoryTenantStore();
	}

}
