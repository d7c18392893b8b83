package dev.tenantlimit.jdbc;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import dev.tenantlimit.autoconfigure.TenantLimitProperties;
import dev.tenantlimit.autoconfigure.TenantLimitSchemaInitializer;
import dev.tenantlimit.quota.Algorithm;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.tenant.ApiKeys;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantStatus;
import dev.tenantlimit.testapp.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The store and its schema scripts on H2 and on the local PostgreSQL. */
class JdbcTenantStoreIntegrationTests {

	private String url;

	private JdbcClient jdbc;

	private JdbcTenantStore store;

	@AfterEach
	void dropSchema() {
		TestDatabases.drop(this.url);
	}

	@ParameterizedTest
	@ValueSource(strings = { "h2", "postgresql" })
	void tenantWithQuotasRoundTrips(String database) {
		open(database);
		Quota writes = new Quota(null, 10, Duration.ofSeconds(30), "/api/notes/**", Set.of("POST", "PUT"));
		this.store.createTenant(new Tenant("acme", "Acme Inc.", "pro", TenantStatus.ACTIVE,
				List.of(Quota.of(100, Duration.ofMinutes(1)), writes)));
		Tenant found = this.store.findTenant("acme").orElseThrow();
		assertThat(found.name()).isEqualTo("Acme Inc.");
		assertThat(found.plan()).isEqualTo("pro");
		assertThat(found.status()).isEqualTo(TenantStatus.ACTIVE);
		assertThat(found.quotas()).hasSize(2).allSatisfy((quota) -> assertThat(quota.id()).isNotNull());
		assertThat(found.quotas().get(1)).satisfies((quota) -> {
			assertThat(quota.limit()).isEqualTo(10);
			assertThat(quota.window()).isEqualTo(Duration.ofSeconds(30));
			assertThat(quota.path()).isEqualTo("/api/notes/**");
			assertThat(quota.methods()).containsExactly("POST", "PUT");
		});
		assertThat(this.store.findTenant("nobody")).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "h2", "postgresql" })
	void apiKeysAreFoundByHashOnlyWhileNotRevoked(String database) {
		open(database);
		this.store.createTenant(new Tenant("acme", "Acme", null, TenantStatus.ACTIVE, List.of()));
		String key = ApiKeys.generate();
		String keyId = this.store.addApiKey("acme", "ci", key).id();
		assertThat(this.store.findTenantIdByApiKeyHash(ApiKeys.hash(key))).contains("acme");
		assertThat(this.jdbc.sql("SELECT key_hash, key_prefix FROM tl_api_key").query().singleRow())
			.containsEntry("key_hash", ApiKeys.hash(key))
			.containsEntry("key_prefix", key.substring(0, 8))
			.doesNotContainValue(key);
		assertThat(this.store.revokeApiKey("someone-else", keyId)).isEmpty();
		assertThat(this.store.revokeApiKey("acme", keyId)).hasValueSatisfying((revoked) -> assertThat(revoked.revokedAt()).isNotNull());
		assertThat(this.store.revokeApiKey("acme", keyId)).as("revoked already").isEmpty();
		assertThat(this.store.findTenantIdByApiKeyHash(ApiKeys.hash(key))).isEmpty();
		assertThat(this.store.listApiKeys("acme")).singleElement().satisfies((info) -> {
			assertThat(info.name()).isEqualTo("ci");
			assertThat(info.revokedAt()).isNotNull();
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "h2", "postgresql" })
	void tenantWithoutOwnQuotasGetsItsPlansQuotas(String database) {
		open(database);
		this.store.replacePlanQuotas("pro", List.of(Quota.of(500, Duration.ofMinutes(1))));
		this.store.createTenant(new Tenant("acme", "Acme", "pro", TenantStatus.ACTIVE, List.of()));
		this.store.createTenant(new Tenant("own", "Own", "pro", TenantStatus.ACTIVE,
				List.of(Quota.of(7, Duration.ofMinutes(1)))));
		assertThat(this.store.findTenant("acme").orElseThrow().quotas()).extracting(Quota::limit).containsExactly(500L);
		assertThat(this.store.findTenant("own").orElseThrow().quotas()).extracting(Quota::limit).containsExactly(7L);
		this.store.replacePlanQuotas("pro", List.of(Quota.of(50, Duration.ofSeconds(1))));
		assertThat(this.store.findTenant("acme").orElseThrow().quotas()).extracting(Quota::limit).containsExactly(50L);
		assertThat(this.store.listPlans()).containsExactly("pro");
	}

	@ParameterizedTest
	@ValueSource(strings = { "h2", "postgresql" })
	void tenantsArePagedInIdOrder(String database) {
		open(database);
		for (String id : List.of("c", "a", "b")) {
			this.store.createTenant(new Tenant(id, id, null, TenantStatus.ACTIVE, List.of()));
		}
		assertThat(this.store.listTenants(1, 2)).extracting(Tenant::id).containsExactly("b", "c");
		assertThat(this.store.countTenants()).isEqualTo(3);
		assertThat(this.store.deleteTenant("b")).isTrue();
		assertThat(this.store.deleteTenant("b")).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "h2", "postgresql" })
	void failedQuotaReplacementLeavesTheStoredQuotas(String database) {
		open(database);
		this.store.createTenant(
				new Tenant("acme", "Acme", null, TenantStatus.ACTIVE, List.of(Quota.of(5, Duration.ofMinutes(1)))));
		// a path longer than the column: the second insert fails after the delete ran
		Quota tooLong = new Quota(null, 1, Duration.ofMinutes(1), "/" + "x".repeat(600), Set.of());
		assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> this.store.replaceQuotas("acme",
				List.of(Quota.of(7, Duration.ofSeconds(10)), tooLong)));
		assertThat(this.store.findQuotas("acme")).extracting(Quota::limit).containsExactly(5L);
	}

	@ParameterizedTest
	@ValueSource(strings = { "h2", "postgresql" })
	void algorithmBurstAndShardsRoundTrip(String database) {
		open(database);
		Quota bucket = Quota.of(10, Duration.ofSeconds(1)).withAlgorithm(Algorithm.TOKEN_BUCKET, 50).withShards(4);
		Quota counter = Quota.of(100_000, Duration.ofDays(1)).withAlgorithm(Algorithm.SLIDING_COUNTER, 0).withShards(4);
		this.store.createTenant(new Tenant("acme", "Acme", null, TenantStatus.ACTIVE, List.of(bucket, counter)));
		assertThat(this.store.findQuotas("acme")).satisfiesExactly((quota) -> assertThat(quota.sameRule(bucket)).isTrue(),
				(quota) -> assertThat(quota.sameRule(counter)).isTrue());
	}

	@ParameterizedTest
	@ValueSource(strings = { "h2", "postgresql" })
	void schemaOfTheFirstReleaseGetsTheNewColumns(String database) {
		open(database);
		this.jdbc.sql("ALTER TABLE tl_quota DROP COLUMN algorithm").update();
		this.jdbc.sql("ALTER TABLE tl_quota DROP COLUMN burst").update();
		this.jdbc.sql("ALTER TABLE tl_quota DROP COLUMN shards").update();
		this.jdbc.sql("ALTER TABLE tl_quota DROP COLUMN lease").update();
		this.jdbc.sql("INSERT INTO tl_tenant (tenant_id, name) VALUES ('old', 'Old')").update();
		this.jdbc.sql("INSERT INTO tl_quota (tenant_id, quota_limit, window_ms) VALUES ('old', 5, 60000)").update();
		initializeSchema(TestDatabases.dataSource(this.url));
		assertThat(this.store.findQuotas("old")).singleElement()
			.satisfies((quota) -> assertThat(quota.sameRule(Quota.of(5, Duration.ofMinutes(1)))).isTrue());
	}

	@ParameterizedTest
	@ValueSource(strings = { "h2", "postgresql" })
	void schemaScriptCanRunTwice(String database) {
		open(database);
		initializeSchema(TestDatabases.dataSource(this.url));
		assertThat(this.jdbc.sql("SELECT COUNT(*) FROM tl_tenant").query(Long.class).single()).isZero();
	}

	private void open(String database) {
		this.url = database.equals("h2") ? TestDatabases.h2Url() : TestDatabases.postgresUrl();
		DataSource dataSource = TestDatabases.dataSource(this.url);
		assertThat(initializeSchema(dataSource)).isTrue();
		this.jdbc = JdbcClient.create(dataSource);
		this.store = new JdbcTenantStore(this.jdbc, new TransactionTemplate(new JdbcTransactionManager(dataSource)));
	}

	private static boolean initializeSchema(DataSource dataSource) {
		TenantLimitProperties.Schema schema = new TenantLimitProperties.Schema();
		schema.setInitialize(DatabaseInitializationMode.ALWAYS);
		return new TenantLimitSchemaInitializer(dataSource, schema).initializeDatabase();
	}

}
