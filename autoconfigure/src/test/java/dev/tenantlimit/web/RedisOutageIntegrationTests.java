package dev.tenantlimit.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.tenantlimit.actuate.TenantLimitHealthIndicator;
import dev.tenantlimit.jdbc.JdbcTenantStore;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.redis.InstanceHeartbeat;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantStatus;
import dev.tenantlimit.testapp.PrivateRedisServer;
import dev.tenantlimit.testapp.TestApplication;
import dev.tenantlimit.testapp.TestDatabases;
import dev.tenantlimit.testapp.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances on a Redis of the test's own, which the test pauses, kills and restarts: no 5xx,
 * answers within the timeout, each instance's share of the quota while Redis is away, and shared
 * counting again by itself once it is back.
 */
class RedisOutageIntegrationTests {

	private static final List<ConfigurableApplicationContext> instances = new ArrayList<>();

	private static PrivateRedisServer redis;

	private static String databaseUrl;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() throws Exception {
		redis = PrivateRedisServer.start();
		databaseUrl = TestDatabases.postgresUrl();
		for (int i = 0; i < 2; i++) {
			instances.add(new SpringApplicationBuilder(TestApplication.class).properties("server.port=0",
					"spring.datasource.url=" + databaseUrl, "spring.datasource.username=postgres",
					"tenantlimit.schema.initialize=always", "tenantlimit.jwt.secret=" + TestTokens.SECRET,
					"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.port(),
					"spring.data.redis.timeout=500ms", "spring.data.redis.connect-timeout=200ms",
					"tenantlimit.redis.timeout=100ms", "tenantlimit.fallback.heartbeat-interval=200ms",
					"tenantlimit.fallback.retry-interval=500ms", "spring.main.banner-mode=off")
				.run());
		}
	}

	@AfterAll
	static void stop() throws Exception {
		instances.forEach(ConfigurableApplicationContext::close);
		redis.close();
		TestDatabases.drop(databaseUrl);
	}

	@Test
	void survivesAHungAndADeadRedisAndRecovers() throws Exception {
		String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
		instances.get(0).getBean(JdbcTenantStore.class).createTenant(
				new Tenant(tenant, "T", null, TenantStatus.ACTIVE, List.of(Quota.of(10, Duration.ofMinutes(1)))));
		String key = "tl:{" + tenant + "}:w60000";

		// shared counting, and both instances have seen each other's heartbeat
		assertThat(request(0, tenant).statusCode()).isEqualTo(200);
		assertThat(request(1, tenant).statusCode()).isEqualTo(200);
		assertThat(redis.command("ZCARD " + key)).isEqualTo(":2");
		assertThat(redis.command("ZCARD tl:instances")).isEqualTo(":2");
		for (ConfigurableApplicationContext instance : instances) {
			InstanceHeartbeat heartbeat = instance.getBean(InstanceHeartbeat.class);
			long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			while (heartbeat.getAsInt() != 2 && System.nanoTime() < deadline) {
				Thread.sleep(20);
			}
			assertThat(heartbeat.getAsInt()).as("live instances seen by each instance").isEqualTo(2);
		}

		// a hung Redis: the answer comes within the timeout, from the local fallback
		redis.command("CLIENT PAUSE 3000 ALL");
		long start = System.nanoTime();
		HttpResponse<String> paused = request(0, tenant);
		Duration pausedLatency = Duration.ofNanos(System.nanoTime() - start);
		assertThat(paused.statusCode()).isEqualTo(200);
		assertThat(pausedLatency).isLessThan(Duration.ofSeconds(1));

		// a dead Redis: each instance admits its share (10 / 2), no 5xx, every answer quick
		redis.kill();
		Duration worst = Duration.ZERO;
		List<Integer> statuses = new ArrayList<>();
		for (int instance = 0; instance < 2; instance++) {
			for (int i = 0; i < 10; i++) {
				start = System.nanoTime();
				statuses.add(request(instance, tenant).statusCode());
				Duration latency = Duration.ofNanos(System.nanoTime() - start);
				worst = (latency.compareTo(worst) > 0) ? latency : worst;
			}
		}
		System.out.println("Redis down: worst request latency " + worst.toMillis() + " ms (paused Redis: "
				+ pausedLatency.toMillis() + " ms)");
		assertThat(statuses).containsOnly(200, 429);
		// instance 0 already admitted one request locally while Redis was paused
		assertThat(statuses.subList(0, 10).stream().filter((status) -> status == 200)).hasSize(4);
		assertThat(statuses.subList(10, 20).stream().filter((status) -> status == 200)).hasSize(5);
		assertThat(worst).isLessThan(Duration.ofSeconds(1));
		Health degraded = instances.get(0).getBean(TenantLimitHealthIndicator.class).health(true);
		assertThat(degraded.getStatus()).isEqualTo(Status.UP);
		assertThat(degraded.getDetails()).containsEntry("decisions", "local-fallback")
			.containsEntry("redis", "unreachable")
			.containsEntry("liveInstances", 2);

		// Redis returns, empty: both instances go back to shared counting by themselves
		redis.restart();
		start = System.nanoTime();
		while (!":2".equals(redis.command("ZCARD " + key))) {
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("recovery").isLessThan(Duration.ofSeconds(30));
			redis.command("DEL " + key);
			request(0, tenant);
			request(1, tenant);
			Thread.sleep(50);
		}
		System.out.println("Redis back: shared counting again after " + (System.nanoTime() - start) / 1_000_000 + " ms");
		assertThat(instances.get(0).getBean(TenantLimitHealthIndicator.class).health(true).getDetails())
			.containsEntry("decisions", "shared");
	}

	private HttpResponse<String> request(int instance, String tenant) throws Exception {
		int port = ((WebServerApplicationContext) instances.get(instance)).getWebServer().getPort();
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/whoami"))
			.header("Authorization", "Bearer " + TestTokens.forTenant(tenant))
			.timeout(Duration.ofSeconds(10))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
