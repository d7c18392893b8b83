package dev.tenantlimit.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.tenantlimit.jdbc.JdbcTenantStore;
import dev.tenantlimit.limiter.BackgroundCharges;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantStatus;
import dev.tenantlimit.testapp.SharedDatabase;
import dev.tenantlimit.testapp.TestApplication;
import dev.tenantlimit.testapp.TestServices;
import dev.tenantlimit.testapp.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Charges after the work, over HTTP with the real Redis: a handler charges the tokens it used
 * through {@link TenantContext#charge} or the {@code TenantLimit-Charge} header, sent in the
 * background after the response; a charge that fills the quota refuses the next request.
 */
class ChargeAfterWorkIntegrationTests {

	@RegisterExtension
	static final SharedDatabase database = new SharedDatabase();

	private static ConfigurableApplicationContext instance;

	private static int port;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String tenant = "charge-" + UUID.randomUUID().toString().substring(0, 8);

	private long sentBefore;

	@BeforeAll
	static void start() {
		List<String> properties = new ArrayList<>(database.properties());
		properties.addAll(List.of("server.port=0", "tenantlimit.jwt.secret=" + TestTokens.SECRET,
				"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + TestServices.redisPort(),
				"tenantlimit.redis.key-prefix=tl-charge-" + UUID.randomUUID() + ":", "spring.main.banner-mode=off"));
		instance = new SpringApplicationBuilder(TestApplication.class).properties(properties.toArray(String[]::new))
			.run();
		port = ((WebServerApplicationContext) instance).getWebServer().getPort();
	}

	@AfterAll
	static void stop() {
		instance.close();
	}

	@BeforeEach
	void createTenant() {
		this.sentBefore = instance.getBean(BackgroundCharges.class).sent();
		// 100 tokens a minute, counted from charges only (cost 0), and 50 requests a minute
		instance.getBean(JdbcTenantStore.class)
			.createTenant(new Tenant(this.tenant, "Charged", null, TenantStatus.ACTIVE,
					List.of(new Quota(null, 100, Duration.ofMinutes(1), "/api/generate/**", Set.of()).withCharged(true)
						.withCost(0), Quota.of(50, Duration.ofMinutes(1)))));
	}

	@Test
	void aChargeAfterTheResponseRefusesTheNextRequest() throws Exception {
		HttpResponse<String> first = post("/api/generate?tokens=60");
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(first.body()).contains("\"charged\":true");
		// nothing counted in the charged quota before the work: 100 tokens left
		assertThat(first.headers().firstValue("RateLimit-Policy")).hasValue(
				"\"per-minute\";q=100;w=60, \"per-minute-2\";q=50;w=60");
		awaitCharges();
		// 60 of 100 used: one more request is admitted, and charges 60 more
		HttpResponse<String> second = post("/api/generate?tokens=60");
		assertThat(second.statusCode()).isEqualTo(200);
		// the fuller quota: 60 tokens charged, 40 left (before this request's charge)
		assertThat(second.headers().firstValue("RateLimit")).hasValue("\"per-minute\";r=40;t=60");
		awaitCharges();
		HttpResponse<String> refused = post("/api/generate?tokens=1");
		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(refused.body()).contains("\"limit\":100");
		assertThat(refused.headers().firstValue("Retry-After")).isPresent();
		// the other paths of the tenant are not refused by it
		assertThat(get("/api/whoami").statusCode()).isEqualTo(200);
	}

	@Test
	void aHandlerChargesWithAHeaderTheClientNeverSees() throws Exception {
		HttpResponse<String> answer = post("/api/generate/by-header?tokens=150");
		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.body()).isEqualTo("generated");
		assertThat(answer.headers().firstValue("TenantLimit-Charge")).isEmpty();
		awaitCharges();
		assertThat(post("/api/generate/by-header?tokens=1").statusCode()).isEqualTo(429);
		// a header that is no number charges nothing, and is not sent either
		String other = this.tenant + "-b";
		instance.getBean(JdbcTenantStore.class)
			.createTenant(new Tenant(other, "Other", null, TenantStatus.ACTIVE,
					List.of(Quota.of(5, Duration.ofMinutes(1)).withCharged(true))));
		HttpResponse<String> bad = send("POST", "/api/generate/by-header?tokens=lots", other);
		assertThat(bad.statusCode()).isEqualTo(200);
		assertThat(bad.headers().firstValue("TenantLimit-Charge")).isEmpty();
		assertThat(bad.headers().firstValue("RateLimit")).hasValue("\"per-minute\";r=4;t=60");
		assertThat(send("POST", "/api/generate/by-header?tokens=0", other).headers().firstValue("RateLimit"))
			.hasValue("\"per-minute\";r=3;t=60");
	}

	@Test
	void aRequestWithoutAChargedQuotaChargesNothing() throws Exception {
		String other = this.tenant + "-c";
		HttpResponse<String> answer = send("POST", "/api/generate?tokens=1000", other);
		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.body()).contains("\"charged\":false");
		// nor does the header, which is still taken out of the response
		HttpResponse<String> byHeader = send("POST", "/api/generate/by-header?tokens=5", other);
		assertThat(byHeader.statusCode()).isEqualTo(200);
		assertThat(byHeader.headers().firstValue("TenantLimit-Charge")).isEmpty();
	}

	/**
	 * The charge is handed over once the request is done, which may be just after the client has
	 * the response, and sent from a background thread: wait until it was sent.
	 */
	private void awaitCharges() throws InterruptedException {
		BackgroundCharges charges = instance.getBean(BackgroundCharges.class);
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while ((charges.sent() <= this.sentBefore || charges.waiting() > 0) && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(charges.sent()).isGreaterThan(this.sentBefore);
		assertThat(charges.dropped()).isZero();
		this.sentBefore = charges.sent();
	}

	private HttpResponse<String> post(String path) throws Exception {
		return send("POST", path, this.tenant);
	}

	private HttpResponse<String> get(String path) throws Exception {
		return send("GET", path, this.tenant);
	}

	private HttpResponse<String> send(String method, String path, String tenantId) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.header("Authorization", "Bearer " + TestTokens.forTenant(tenantId))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.timeout(Duration.ofSeconds(10))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
