package dev.tenantlimit.tenant;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import dev.tenantlimit.jdbc.JdbcTenantStore;
import dev.tenantlimit.security.ApiKeyTenantResolver;
import dev.tenantlimit.security.InvalidCredentialsException;
import dev.tenantlimit.testapp.TestDatabases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A flood of random API keys against the real JDBC store (H2): with the store's keys known in
 * memory it costs at most the budget of lookups of unknown keys (10 a second), not a query a key,
 * and the real tenant's cached key stays cached; without ({@code before}), every key is a query.
 */
class ApiKeyFloodIntegrationTests {

	private static final int FLOOD = 2_000;

	private final AtomicInteger keyQueries = new AtomicInteger();

	private JdbcTenantStore store;

	private String key;

	@BeforeEach
	void storeATenantWithAKey() {
		DataSource dataSource = TestDatabases.dataSource(TestDatabases.h2Url());
		new ResourceDatabasePopulator(new ClassPathResource("dev/tenantlimit/jdbc/schema-h2.sql")).execute(dataSource);
		this.store = new JdbcTenantStore(JdbcClient.create(dataSource),
				new TransactionTemplate(new DataSourceTransactionManager(dataSource))) {

			@Override
			public Optional<String> findTenantIdByApiKeyHash(String keyHash) {
				ApiKeyFloodIntegrationTests.this.keyQueries.incrementAndGet();
				return super.findTenantIdByApiKeyHash(keyHash);
			}

		};
		this.store.createTenant(new Tenant("acme", "Acme", null, TenantStatus.ACTIVE, List.of()));
		this.key = ApiKeys.generate();
		this.store.addApiKey("acme", "ci", this.key);
	}

	@Test
	void randomKeysCostNoQueryEachAndEvictNothing() {
		TenantCache cache = new TenantCache(this.store, Duration.ofSeconds(10), Duration.ofMinutes(10), 1_000);
		await().atMost(Duration.ofSeconds(5)).until(() -> cache.knownApiKeys().isLoaded());
		ApiKeyTenantResolver resolver = new ApiKeyTenantResolver(cache, "X-API-Key");
		assertThat(resolver.resolveTenantId(request(this.key))).isEqualTo("acme");

		this.keyQueries.set(0);
		long start = System.nanoTime();
		int refused = flood(resolver);
		double seconds = (System.nanoTime() - start) / 1e9;
		assertThat(refused).isEqualTo(FLOOD);
		assertThat(this.keyQueries.get()).as("lookups of unknown keys, within the budget")
			.isLessThanOrEqualTo(KnownApiKeys.UNKNOWN_LOOKUPS_PER_SECOND * (1 + (int) Math.ceil(seconds)));
		int duringFlood = this.keyQueries.get();
		assertThat(resolver.resolveTenantId(request(this.key))).isEqualTo("acme");
		assertThat(this.keyQueries.get()).as("the real key is still cached").isEqualTo(duringFlood);
		System.out.printf("Flood of %d random keys with the keys known: %d database queries, %.0f keys/s%n", FLOOD,
				duringFlood, FLOOD / seconds);
	}

	@Test
	void withoutKnownKeysEveryRandomKeyIsAQuery() {
		TenantStore plain = new TenantStore() {

			@Override
			public Optional<Tenant> findTenant(String tenantId) {
				return ApiKeyFloodIntegrationTests.this.store.findTenant(tenantId);
			}

			@Override
			public Optional<String> findTenantIdByApiKeyHash(String keyHash) {
				return ApiKeyFloodIntegrationTests.this.store.findTenantIdByApiKeyHash(keyHash);
			}

		};
		TenantCache cache = new TenantCache(plain, Duration.ofSeconds(10), Duration.ofMinutes(10), 1_000);
		assertThat(cache.knownApiKeys()).isNull();
		ApiKeyTenantResolver resolver = new ApiKeyTenantResolver(cache, "X-API-Key");
		this.keyQueries.set(0);
		long start = System.nanoTime();
		flood(resolver);
		double seconds = (System.nanoTime() - start) / 1e9;
		assertThat(this.keyQueries.get()).isEqualTo(FLOOD);
		System.out.printf("Flood of %d random keys before (one lookup a key): %d database queries, %.0f keys/s%n",
				FLOOD, this.keyQueries.get(), FLOOD / seconds);
	}

	@Test
	void aKeyWrittenByCodeOrJustCreatedElsewhereWorksAtOnce() {
		TenantCache cache = new TenantCache(this.store, Duration.ofMinutes(10), Duration.ofMinutes(10), 1_000);
		await().atMost(Duration.ofSeconds(5)).until(() -> cache.knownApiKeys().isLoaded());
		String fresh = ApiKeys.generate();
		this.store.addApiKey("acme", "written by code", fresh);
		ApiKeyTenantResolver resolver = new ApiKeyTenantResolver(cache, "X-API-Key");
		assertThat(resolver.resolveTenantId(request(fresh))).isEqualTo("acme");
		assertThat(cache.knownApiKeys().isKnown(ApiKeys.hash(fresh))).isTrue();
	}

	private int flood(ApiKeyTenantResolver resolver) {
		int refused = 0;
		for (int i = 0; i < FLOOD; i++) {
			try {
				resolver.resolveTenantId(request(ApiKeys.generate()));
			}
			catch (InvalidCredentialsException ex) {
				refused++;
			}
		}
		return refused;
	}

	private static MockHttpServletRequest request(String key) {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/x");
		request.addHeader("X-API-Key", key);
		return request;
	}

}
