package dev.tenantlimit.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import com.jayway.jsonpath.JsonPath;
import dev.tenantlimit.testapp.TestApplication;
import dev.tenantlimit.testapp.TestDatabases;
import dev.tenantlimit.testapp.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances on one Redis and one PostgreSQL database, with a cache refresh interval of ten
 * minutes: a change made through one instance's admin API must reach the other within 2 seconds,
 * which only the pub/sub invalidation can do.
 */
class AdminPropagationIntegrationTests {

	private static final Duration LIMIT = Duration.ofSeconds(2);

	private static final List<ConfigurableApplicationContext> instances = new ArrayList<>();

	private static String databaseUrl;

	private final HttpClient http = HttpClient.newHttpClient();

	private String tenant;

	@BeforeAll
	static void startInstances() {
		databaseUrl = TestDatabases.postgresUrl();
		String keyPrefix = "tl-test-" + UUID.randomUUID() + ":";
		for (int i = 0; i < 2; i++) {
			instances.add(new SpringApplicationBuilder(TestApplication.class).properties("server.port=0",
					"spring.datasource.url=" + databaseUrl, "spring.datasource.username=postgres",
					"tenantlimit.schema.initialize=always", "tenantlimit.redis.key-prefix=" + keyPrefix,
					"tenantlimit.jwt.secret=" + TestTokens.SECRET, "tenantlimit.cache.refresh-after=10m",
					"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=${tenantlimit.test.redis.port:6379}", "spring.main.banner-mode=off")
				.run());
		}
	}

	@AfterAll
	static void stopInstances() {
		instances.forEach(ConfigurableApplicationContext::close);
		TestDatabases.drop(databaseUrl);
	}

	@BeforeEach
	void createTenant() throws Exception {
		this.tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
		assertThat(admin("POST", "/admin/tenants", "{\"id\":\"" + this.tenant + "\",\"name\":\"T\"}").statusCode())
			.isEqualTo(201);
	}

	@Test
	void quotaChangeReachesTheOtherInstance() throws Exception {
		assertThat(onB("Authorization", "Bearer " + TestTokens.forTenant(this.tenant)).headers()
			.firstValue("RateLimit-Policy")).hasValue("\"per-minute\";q=100;w=60");
		long start = System.nanoTime();
		assertThat(admin("PUT", "/admin/tenants/" + this.tenant + "/quotas", "[{\"limit\":5,\"window\":\"1m\"}]")
			.statusCode()).isEqualTo(200);
		Duration delay = awaitOnB("Authorization", "Bearer " + TestTokens.forTenant(this.tenant),
				(response) -> response.headers().firstValue("RateLimit-Policy").orElse("").contains("q=5;"), start);
		System.out.println("Propagation of a quota change: " + delay.toMillis() + " ms");
	}

	@Test
	void revokedKeyStopsWorkingOnTheOtherInstance() throws Exception {
		String created = admin("POST", "/admin/tenants/" + this.tenant + "/api-keys", "{\"name\":\"k\"}").body();
		String key = JsonPath.read(created, "$.key");
		String keyId = JsonPath.read(created, "$.id");
		assertThat(onB("X-API-Key", key).statusCode()).isEqualTo(200);
		long start = System.nanoTime();
		assertThat(admin("DELETE", "/admin/tenants/" + this.tenant + "/api-keys/" + keyId, null).statusCode())
			.isEqualTo(204);
		Duration delay = awaitOnB("X-API-Key", key, (response) -> response.statusCode() == 401, start);
		System.out.println("Propagation of a key revocation: " + delay.toMillis() + " ms");
	}

	@Test
	void aTokenExchangedForARevokedKeyStopsWorkingOnTheOtherInstance() throws Exception {
		String created = admin("POST", "/admin/tenants/" + this.tenant + "/api-keys", "{\"name\":\"k\"}").body();
		String key = JsonPath.read(created, "$.key");
		String keyId = JsonPath.read(created, "$.id");
		HttpResponse<String> exchanged = this.http.send(HttpRequest.newBuilder(uri(0, "/admin/token"))
			.header("X-API-Key", key)
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
		String token = "Bearer " + JsonPath.read(exchanged.body(), "$.access_token");
		assertThat(onB("Authorization", token).statusCode()).isEqualTo(200);
		long start = System.nanoTime();
		assertThat(admin("DELETE", "/admin/tenants/" + this.tenant + "/api-keys/" + keyId, null).statusCode())
			.isEqualTo(204);
		Duration delay = awaitOnB("Authorization", token, (response) -> response.statusCode() == 401
				&& response.body().contains("revoked"), start);
		System.out.println("Propagation of a key revocation to a token exchanged for it: " + delay.toMillis() + " ms");
	}

	@Test
	void suspensionReachesTheOtherInstance() throws Exception {
		String token = "Bearer " + TestTokens.forTenant(this.tenant);
		assertThat(onB("Authorization", token).statusCode()).isEqualTo(200);
		long start = System.nanoTime();
		assertThat(admin("PATCH", "/admin/tenants/" + this.tenant, "{\"status\":\"SUSPENDED\"}").statusCode())
			.isEqualTo(200);
		Duration delay = awaitOnB("Authorization", token, (response) -> response.statusCode() == 403, start);
		System.out.println("Propagation of a suspension: " + delay.toMillis() + " ms");
	}

	private Duration awaitOnB(String header, String value, Predicate<HttpResponse<String>> changed, long start)
			throws Exception {
		while (true) {
			HttpResponse<String> response = onB(header, value);
			Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
			if (changed.test(response)) {
				return elapsed;
			}
			assertThat(elapsed).as("change seen on the other instance").isLessThan(LIMIT);
			Thread.sleep(10);
		}
	}

	private HttpResponse<String> onB(String header, String value) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(1, "/api/whoami")).header(header, value).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> admin(String method, String path, String body) throws Exception {
		String credentials = Base64.getEncoder().encodeToString("admin:admin-secret".getBytes(StandardCharsets.UTF_8));
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(0, path))
			.header("Authorization", "Basic " + credentials)
			.header("Content-Type", "application/json")
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static URI uri(int instance, String path) {
		int port = ((WebServerApplicationContext) instances.get(instance)).getWebServer().getPort();
		return URI.create("http://127.0.0.1:" + port + path);
	}

}
