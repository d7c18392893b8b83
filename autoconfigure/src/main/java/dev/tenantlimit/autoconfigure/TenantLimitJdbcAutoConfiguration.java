package dev.tenantlimit.autoconfigure;

import javax.sql.DataSource;

import dev.tenantlimit.jdbc.JdbcTenantStore;
import dev.tenantlimit.jdbc.TenantLimitSchemaCheck;
import dev.tenantlimit.tenant.TenantStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.sql.autoconfigure.init.OnDatabaseInitializationCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Auto-configuration of the shared tenant database: the {@link JdbcTenantStore} on the
 * application's {@link DataSource}, and its schema per {@code tenantlimit.schema.initialize}.
 */
@AutoConfiguration(after = { DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class })
@ConditionalOnClass(JdbcClient.class)
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBooleanProperty(name = "tenantlimit.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TenantLimitProperties.class)
public final class TenantLimitJdbcAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(TenantStore.class)
	JdbcTenantStore jdbcTenantStore(DataSource dataSource,
			ObjectProvider<PlatformTransactionManager> transactionManager) {
		PlatformTransactionManager manager = transactionManager
			.getIfUnique(() -> new JdbcTransactionManager(dataSource));
		return new JdbcTenantStore(JdbcClient.create(dataSource), new TransactionTemplate(manager));
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(OnTenantLimitSchemaInitializationCondition.class)
	TenantLimitSchemaInitializer tenantLimitSchemaInitializer(DataSource dataSource,
			TenantLimitProperties properties) {
		return new TenantLimitSchemaInitializer(dataSource, properties.getSchema());
	}

	/** Once every singleton is there (the schema initializer has run): the tables must be too. */
	@Bean
	@ConditionalOnMissingBean
	TenantLimitSchemaCheck tenantLimitSchemaCheck(DataSource dataSource) {
		return new TenantLimitSchemaCheck(JdbcClient.create(dataSource));
	}

	static class OnTenantLimitSchemaInitializationCondition extends OnDatabaseInitializationCondition {

		OnTenantLimitSchemaInitializationCondition() {
			super("TenantLimit", "tenantlimit.schema.initialize");
		}

	}

}
