package dev.tenantlimit.testapp;

import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import dev.tenantlimit.jdbc.JdbcTenantStore;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantStatus;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A private PostgreSQL schema with TenantLimit's tables, made by the test before any instance
 * starts (instances that start together would race to create them), and dropped again. A JUnit
 * extension: {@code @RegisterExtension static SharedDatabase database = new SharedDatabase();}
 * makes it before the class's tests and drops it after them.
 */
public final class SharedDatabase implements BeforeAllCallback, AfterAllCallback {

	private String url;

	private JdbcTenantStore store;

	@Override
	public void beforeAll(ExtensionContext context) {
		this.url = TestDatabases.postgresUrl();
		DataSource dataSource = TestDatabases.dataSource(this.url);
		new ResourceDatabasePopulator(new ClassPathResource("dev/tenantlimit/jdbc/schema-postgresql.sql"))
			.execute(dataSource);
		this.store = new JdbcTenantStore(JdbcClient.create(dataSource),
				new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
	}

	/** The properties that point an instance at this schema. */
	public List<String> properties() {
		return List.of("spring.datasource.url=" + this.url, "spring.datasource.username=postgres",
				"tenantlimit.schema.initialize=never");
	}

	/** Store a tenant with one quota over every path. */
	public void createTenant(String id, long limit, Duration window) {
		createTenant(id, Quota.of(limit, window));
	}

	/** Store a tenant with one quota. */
	public void createTenant(String id, Quota quota) {
		this.store.createTenant(new Tenant(id, id, null, TenantStatus.ACTIVE, List.of(quota)));
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.url != null) {
			TestDatabases.drop(this.url);
		}
	}

}
