package dev.tenantlimit.jdbc;

import java.util.List;

import javax.sql.DataSource;

import dev.tenantlimit.autoconfigure.TenantLimitJdbcAutoConfiguration;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantStatus;
import dev.tenantlimit.testapp.TestDatabases;
import dev.tenantlimit.testapp.TestServices;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The schema as shipped for Flyway ({@code classpath:dev/tenantlimit/flyway/{vendor}}, a
 * repeatable migration) and Liquibase ({@code dev/tenantlimit/liquibase/tenantlimit-changelog.yaml}):
 * each creates the tables on H2 and PostgreSQL with TenantLimit's own initialisation off, so the
 * application starts and stores tenants; a second start migrates nothing and keeps them.
 */
class SchemaMigrationToolsTests {

	private static final AutoConfigurations JDBC = AutoConfigurations.of(DataSourceAutoConfiguration.class,
			DataSourceTransactionManagerAutoConfiguration.class, TenantLimitJdbcAutoConfiguration.class);

	@ParameterizedTest(name = "{0} on {1}")
	@CsvSource({ "flyway, h2", "flyway, postgresql", "liquibase, h2", "liquibase, postgresql" })
	void theShippedFormCreatesTheTables(String tool, String database) {
		String url = url(database);
		try {
			ApplicationContextRunner runner = runner(url);
			String migrationsApplied;
			if (tool.equals("flyway")) {
				runner = runner.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
					.withPropertyValues("spring.flyway.locations=classpath:dev/tenantlimit/flyway/{vendor}");
				migrationsApplied = "select count(*) from \"flyway_schema_history\" where \"script\" = 'R__tenantlimit_schema.sql' and \"success\"";
			}
			else {
				runner = runner.withConfiguration(AutoConfigurations.of(LiquibaseAutoConfiguration.class))
					.withPropertyValues("spring.liquibase.change-log=classpath:dev/tenantlimit/liquibase/tenantlimit-changelog.yaml");
				migrationsApplied = "select count(*) from databasechangelog";
			}
			startStoreAndRestart(runner, migrationsApplied);
		}
		finally {
			TestDatabases.drop(url);
		}
	}

	private static String url(String database) {
		return "h2".equals(database) ? TestDatabases.h2Url() : TestDatabases.postgresUrl();
	}

	private static ApplicationContextRunner runner(String url) {
		return new ApplicationContextRunner().withConfiguration(JDBC)
			.withPropertyValues("spring.datasource.url=" + url, "spring.datasource.username=" + user(url),
					"tenantlimit.schema.initialize=never");
	}

	private static String user(String url) {
		return url.startsWith("jdbc:postgresql:") ? TestServices.postgresUser() : "sa";
	}

	/** Start (the schema check passes), store a tenant, start again: one migration, the tenant kept. */
	private static void startStoreAndRestart(ApplicationContextRunner runner, String migrationsApplied) {
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			context.getBean(JdbcTenantStore.class)
				.createTenant(new Tenant("acme", "Acme", null, TenantStatus.ACTIVE, List.of(Quota.of(5, java.time.Duration.ofMinutes(1)))));
		});
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(JdbcTenantStore.class).findTenant("acme")).isPresent();
			JdbcClient jdbc = JdbcClient.create(context.getBean(DataSource.class));
			assertThat(jdbc.sql(migrationsApplied).query(Long.class).single()).isEqualTo(1L);
		});
	}

}
