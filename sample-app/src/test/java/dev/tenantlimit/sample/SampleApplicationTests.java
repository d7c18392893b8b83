package dev.tenantlimit.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import dev.tenantlimit.testapp.TestServices;
import dev.tenantlimit.jdbc.JdbcTenantStore;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantStatus;

import dev.tenantlimit.security.JwtJson;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample over real HTTP, on H2 and the local Redis, as the README's curl session uses it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleApplicationTests {

	private static final String DEMO_KEY = "tl_demo_do_not_use_in_production_0";

	@DynamicPropertySource
	static void isolate(DynamicPropertyRegistry registry) {
		registry.add("tenantlimit.redis.key-prefix", () -> "tl-test-" + UUID.randomUUID() + ":");
		registry.add("spring.data.redis.port", TestServices::redisPort);
		registry.add("spring.datasource.url", () -> "jdbc:h2:mem:sample-" + UUID.randomUUID());
	}

	@LocalServerPort
	private int port;

	@Autowired
	private JdbcTenantStore store;

	@Value("${tenantlimit.jwt.secret}")
	private String secret;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void demoKeyGetsFiveRequestsAMinuteThen429() throws Exception {
		for (int i = 0; i < 5; i++) {
			HttpResponse<String> ok = get("/api/whoami", "X-API-Key", DEMO_KEY);
			assertThat(ok.statusCode()).isEqualTo(200);
			assertThat(ok.body()).isEqualTo("{\"tenant\":\"demo\"}");
		}
		HttpResponse<String> refused = get("/api/whoami", "X-API-Key", DEMO_KEY);
		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
				(seconds) -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60));
		assertThat(refused.headers().firstValue("RateLimit-Policy"))
			.contains("\"per-minute\";q=5;w=60, \"per-day\";q=1000;w=86400");
		assertThat(refused.body()).contains("\"tenant\":\"demo\"", "quota-exceeded");
	}

	@Test
	void notesAreSeparatedByTenant() throws Exception {
		String other = "Bearer " + token("other");
		String third = "Bearer " + token(newTenant());
		HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/api/notes"))
			.header("Authorization", other)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"only for other\"}")));
		assertThat(created.statusCode()).isEqualTo(201);
		assertThat(created.headers().firstValue("Location")).hasValueSatisfying(
				(location) -> assertThat(location).startsWith("/api/notes/"));
		assertThat(get("/api/notes", "Authorization", other).body()).contains("only for other");
		assertThat(get("/api/notes", "Authorization", third).body()).isEqualTo("[]");
		String location = created.headers().firstValue("Location").orElseThrow();
		assertThat(get(location, "Authorization", other).statusCode()).isEqualTo(200);
		assertThat(get(location, "Authorization", third).statusCode()).isEqualTo(404);
	}

	@Test
	void badNoteIsA400Problem() throws Exception {
		HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/notes"))
			.header("Authorization", "Bearer " + token("other"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"\"}")));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
	}

	@Test
	void healthIsOpenAndUnlimited() throws Exception {
		for (int i = 0; i < 20; i++) {
			HttpResponse<String> health = send(HttpRequest.newBuilder(uri("/actuator/health")));
			assertThat(health.statusCode()).isEqualTo(200);
			assertThat(health.headers().firstValue("RateLimit")).isEmpty();
		}
	}

	@Test
	void apiWithoutCredentialsIs401() throws Exception {
		HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/whoami")));
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"tenantlimit\"");
	}

	@Test
	void adminProvisionsATenantWhoseKeyWorksAtOnce() throws Exception {
		String basic = "Basic " + java.util.Base64.getEncoder()
			.encodeToString("admin:admin-demo-password".getBytes(StandardCharsets.UTF_8));
		String id = "t-" + UUID.randomUUID().toString().substring(0, 8);
		HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/admin/tenants"))
			.header("Authorization", basic)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\",\"name\":\"New\"}")));
		assertThat(created.statusCode()).isEqualTo(201);
		HttpResponse<String> key = send(HttpRequest.newBuilder(uri("/admin/tenants/" + id + "/api-keys"))
			.header("Authorization", basic)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"first\"}")));
		assertThat(key.statusCode()).isEqualTo(201);
		String apiKey = key.body().replaceAll(".*\"key\":\"([^\"]+)\".*", "$1");
		assertThat(get("/api/whoami", "X-API-Key", apiKey).body()).isEqualTo("{\"tenant\":\"" + id + "\"}");
		assertThat(send(HttpRequest.newBuilder(uri("/admin/tenants"))).statusCode()).isEqualTo(401);
	}

	@Test
	void servesAnOpenApiDescriptionOfTheAdminApi() throws Exception {
		HttpResponse<String> docs = send(HttpRequest.newBuilder(uri("/v3/api-docs")));
		assertThat(docs.statusCode()).isEqualTo(200);
		assertThat(docs.body()).contains("/admin/tenants/{id}/quotas", "/admin/plans/{plan}", "/admin/token",
				"/api/notes");
	}

	@Test
	void actuatorShowsHealthConfigurationUsageAndMetrics() throws Exception {
		String admin = "Basic " + java.util.Base64.getEncoder()
			.encodeToString("admin:admin-demo-password".getBytes(StandardCharsets.UTF_8));
		String tenant = newTenant();
		assertThat(get("/api/whoami", "Authorization", "Bearer " + token(tenant)).statusCode()).isEqualTo(200);
		HttpResponse<String> health = get("/actuator/health", "Authorization", admin);
		assertThat(health.body()).contains("\"tenantlimit\":{", "\"decisions\":\"shared\"");
		HttpResponse<String> configuration = get("/actuator/tenantlimit", "Authorization", admin);
		assertThat(configuration.statusCode()).isEqualTo(200);
		assertThat(configuration.body()).contains("\"secret\":\"******\"", "\"failMode\":\"LOCAL\"")
			.doesNotContain("sample-secret");
		assertThat(get("/actuator/tenantlimit/" + tenant, "Authorization", admin).body()).contains("\"used\":1",
				"\"policy\":\"per-minute\"");
		assertThat(get("/actuator/tenantlimit/nobody", "Authorization", admin).statusCode()).isEqualTo(404);
		String metrics = get("/actuator/prometheus", "Authorization", admin).body();
		assertThat(metrics).contains("tenantlimit_requests_total{outcome=\"allowed\"", "tenantlimit_decision_seconds_bucket",
				"tenantlimit_filter_seconds_count", "tenantlimit_inflight{kind=\"read\"", "tenantlimit_fallback_active",
				"tenantlimit_instances");
		assertThat(send(HttpRequest.newBuilder(uri("/actuator/prometheus"))).statusCode()).isEqualTo(401);
	}

	private String newTenant() {
		String id = "t-" + UUID.randomUUID().toString().substring(0, 8);
		this.store.createTenant(new Tenant(id, "Test tenant", null, TenantStatus.ACTIVE, List.of()));
		return id;
	}

	private String token(String tenant) {
		return Jwts.builder()
			.json(JwtJson.serializer())
			.claim("tenant_id", tenant)
			.expiration(Date.from(Instant.now().plus(Duration.ofMinutes(5))))
			.signWith(Keys.hmacShaKeyFor(this.secret.getBytes(StandardCharsets.UTF_8)))
			.compact();
	}

	private HttpResponse<String> get(String path, String header, String value) throws Exception {
		return send(HttpRequest.newBuilder(uri(path)).header(header, value));
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

}
