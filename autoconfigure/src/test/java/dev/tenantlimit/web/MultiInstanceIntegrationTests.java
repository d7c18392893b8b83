package dev.tenantlimit.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.tenantlimit.jdbc.JdbcTenantStore;
import dev.tenantlimit.lease.LeaseStats;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantStatus;
import dev.tenantlimit.testapp.TestApplication;
import dev.tenantlimit.testapp.TestDatabases;
import dev.tenantlimit.testapp.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The central guarantee: several application instances sharing one Redis and one PostgreSQL
 * database never admit more than a quota between them, under hundreds of concurrent requests
 * over real HTTP.
 */
class MultiInstanceIntegrationTests {

	private static final int INSTANCES = 3;

	private static final List<ConfigurableApplicationContext> instances = new ArrayList<>();

	private static String databaseUrl;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@BeforeAll
	static void startInstances() {
		databaseUrl = TestDatabases.postgresUrl();
		String keyPrefix = "tl-test-" + UUID.randomUUID() + ":";
		for (int i = 0; i < INSTANCES; i++) {
			instances.add(new SpringApplicationBuilder(TestApplication.class).properties("server.port=0",
					"spring.datasource.url=" + databaseUrl, "spring.datasource.username=postgres",
					"tenantlimit.schema.initialize=always", "tenantlimit.redis.key-prefix=" + keyPrefix,
					"tenantlimit.jwt.secret=" + TestTokens.SECRET, "spring.data.redis.host=127.0.0.1",
					"spring.data.redis.port=${tenantlimit.test.redis.port:6379}", "spring.main.banner-mode=off")
				.run());
		}
		JdbcTenantStore store = instances.get(0).getBean(JdbcTenantStore.class);
		store.createTenant(new Tenant("hot", "Hot", null, TenantStatus.ACTIVE,
				List.of(Quota.of(100, Duration.ofMinutes(1)))));
		store.createTenant(new Tenant("rapid", "Rapid", null, TenantStatus.ACTIVE,
				List.of(Quota.of(600, Duration.ofMinutes(1)))));
		store.createTenant(new Tenant("busy", "Busy", null, TenantStatus.ACTIVE,
				List.of(Quota.of(37, Duration.ofMinutes(1)), Quota.of(1000, Duration.ofHours(1)))));
		// 100 units at 7 a request: 14 requests (98 units), decided one by one
		store.createTenant(new Tenant("costly", "Costly", null, TenantStatus.ACTIVE,
				List.of(Quota.of(100, Duration.ofMinutes(1)).withCost(7))));
		// 6,000 units at 10 a request: 600 requests, leased in batches of up to 6 (60 units)
		store.createTenant(new Tenant("costly-rapid", "Costly rapid", null, TenantStatus.ACTIVE,
				List.of(Quota.of(6000, Duration.ofMinutes(1)).withCost(10))));
		// 20 a minute for each app (header X-App) within the tenant
		store.createTenant(new Tenant("per-app", "Per app", null, TenantStatus.ACTIVE,
				List.of(Quota.of(20, Duration.ofMinutes(1)).withPer(List.of("header:X-App")),
						Quota.of(1000, Duration.ofMinutes(1)))));
	}

	@AfterAll
	static void stopInstances() {
		instances.forEach(ConfigurableApplicationContext::close);
		TestDatabases.drop(databaseUrl);
	}

	@Test
	void instancesSharingRedisAdmitExactlyTheLimitBetweenThem() throws Exception {
		List<Callable<String>> calls = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			calls.add(call(i % INSTANCES, "hot"));
			if (i < 200) {
				calls.add(call((i + 1) % INSTANCES, "busy"));
			}
		}
		Map<String, Long> outcomes = runConcurrently(calls, 48);
		assertThat(outcomes).containsEntry("hot 200", 100L)
			.containsEntry("hot 429", 200L)
			.containsEntry("busy 200", 37L)
			.containsEntry("busy 429", 163L)
			.hasSize(4);
	}

	/**
	 * A hot tenant is decided from leases on every instance: never more than the limit, and at
	 * most a few permits short (held in a lease when the burst ended, given back too late for it).
	 */
	@Test
	void leasesKeepTheLimitExactAcrossInstances() throws Exception {
		List<Callable<String>> calls = new ArrayList<>();
		for (int i = 0; i < 900; i++) {
			calls.add(call(i % INSTANCES, "rapid"));
		}
		long before = leaseAdmissions();
		Map<String, Long> outcomes = runConcurrently(calls, 48);
		assertThat(outcomes).containsOnlyKeys("rapid 200", "rapid 429");
		assertThat(outcomes.get("rapid 200")).isBetween(582L, 600L);
		assertThat(outcomes.get("rapid 200") + outcomes.get("rapid 429")).isEqualTo(900L);
		assertThat(leaseAdmissions() - before).as("requests admitted from leases").isPositive();
	}

	@Test
	void aCostPerRequestKeepsTheLimitExactAcrossInstances() throws Exception {
		List<Callable<String>> calls = new ArrayList<>();
		for (int i = 0; i < 60; i++) {
			calls.add(call(i % INSTANCES, "costly"));
		}
		for (int i = 0; i < 900; i++) {
			calls.add(call(i % INSTANCES, "costly-rapid"));
		}
		long before = leaseAdmissions();
		Map<String, Long> outcomes = runConcurrently(calls, 48);
		assertThat(outcomes).containsEntry("costly 200", 14L).containsEntry("costly 429", 46L);
		assertThat(outcomes.get("costly-rapid 200")).isBetween(582L, 600L);
		assertThat(outcomes.get("costly-rapid 200") + outcomes.get("costly-rapid 429")).isEqualTo(900L);
		assertThat(leaseAdmissions() - before).as("requests admitted from leases").isPositive();
	}

	@Test
	void countersPerClientKeepTheLimitExactAcrossInstances() throws Exception {
		List<Callable<String>> calls = new ArrayList<>();
		for (int i = 0; i < 150; i++) {
			calls.add(call(i % INSTANCES, "per-app", "app-" + (i % 3)));
		}
		Map<String, Long> outcomes = runConcurrently(calls, 48);
		assertThat(outcomes).containsEntry("per-app app-0 200", 20L)
			.containsEntry("per-app app-1 200", 20L)
			.containsEntry("per-app app-2 200", 20L)
			.containsEntry("per-app app-0 429", 30L)
			.hasSize(6);
	}

	private static long leaseAdmissions() {
		return instances.stream().mapToLong((instance) -> instance.getBean(LeaseStats.class).localAdmissions()).sum();
	}

	private Callable<String> call(int instance, String tenant, String app) {
		int port = ((WebServerApplicationContext) instances.get(instance)).getWebServer().getPort();
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/whoami"))
			.header("Authorization", "Bearer " + TestTokens.forTenant(tenant))
			.header("X-App", app)
			.timeout(Duration.ofSeconds(20))
			.build();
		return () -> tenant + " " + app + " " + this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	private Callable<String> call(int instance, String tenant) {
		int port = ((WebServerApplicationContext) instances.get(instance)).getWebServer().getPort();
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/whoami"))
			.header("Authorization", "Bearer " + TestTokens.forTenant(tenant))
			.timeout(Duration.ofSeconds(20))
			.build();
		return () -> tenant + " " + this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	private static Map<String, Long> runConcurrently(List<Callable<String>> calls, int threads) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<String> results = new ArrayList<>();
			for (Future<String> result : pool.invokeAll(calls)) {
				results.add(result.get());
			}
			return results.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
		}
		finally {
			pool.shutdownNow();
		}
	}

}
