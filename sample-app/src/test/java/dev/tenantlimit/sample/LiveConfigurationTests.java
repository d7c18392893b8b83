package dev.tenantlimit.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import dev.tenantlimit.jdbc.JdbcTenantStore;
import dev.tenantlimit.security.JwtJson;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantStatus;
import dev.tenantlimit.testapp.TestServices;
import dev.tenantlimit.web.TenantRateLimitFilter;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample started as Kubernetes starts it with a mounted ConfigMap: a configuration directory
 * outside the jar ({@code spring.config.additional-location}). The file is edited while it runs,
 * and the new default limit applies within 10 s, at the default reload interval, with no restart.
 */
class LiveConfigurationTests {

	private static final String SECRET = "sample-secret-change-me-0123456789abcdef";

	private final HttpClient http = HttpClient.newHttpClient();

	@TempDir
	Path config;

	@Test
	void anEditedDefaultLimitAppliesWithinTenSeconds() throws Exception {
		try (ConfigurableApplicationContext sample = new SpringApplicationBuilder(SampleApplication.class)
			.properties("server.port=0", "spring.main.banner-mode=off",
					"spring.data.redis.port=" + TestServices.redisPort(),
					"tenantlimit.redis.key-prefix=tl-live-" + UUID.randomUUID() + ":",
					"spring.datasource.url=jdbc:h2:mem:live-" + UUID.randomUUID(),
					"spring.config.additional-location=optional:file:" + this.config + "/")
			.run()) {
			String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
			sample.getBean(JdbcTenantStore.class)
				.createTenant(new Tenant(tenant, "Live", null, TenantStatus.ACTIVE, List.of()));
			int port = ((WebServerApplicationContext) sample).getWebServer().getPort();
			for (int i = 0; i < 3; i++) {
				assertThat(get(port, tenant).statusCode()).isEqualTo(200);
			}
			assertThat(get(port, tenant).headers().firstValue("RateLimit-Policy")).hasValueSatisfying(
					(policy) -> assertThat(policy).contains("q=100"));

			Files.writeString(this.config.resolve("application.yml"),
					"tenantlimit:\n  default-quotas:\n    - limit: 2\n      window: 1m\n");
			long edited = System.nanoTime();
			TenantRateLimitFilter filter = sample.getBean(TenantRateLimitFilter.class);
			while (filter.settings().defaultQuotas().get(0).limit() != 2) {
				assertThat(Duration.ofNanos(System.nanoTime() - edited)).isLessThan(Duration.ofSeconds(10));
				Thread.sleep(20);
			}
			System.out.println("Sample: the edited limit applied "
					+ Duration.ofNanos(System.nanoTime() - edited).toMillis() + " ms after the edit");
			// the four requests counted before count against the new limit: the very next is refused
			HttpResponse<String> answer = get(port, tenant);
			assertThat(answer.statusCode()).isEqualTo(429);
			assertThat(answer.headers().firstValue("RateLimit-Policy")).hasValueSatisfying(
					(policy) -> assertThat(policy).contains("q=2"));
		}
	}

	private HttpResponse<String> get(int port, String tenant) throws Exception {
		String token = Jwts.builder()
			.json(JwtJson.serializer())
			.claim("tenant_id", tenant)
			.expiration(Date.from(Instant.now().plus(Duration.ofMinutes(5))))
			.signWith(Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8)))
			.compact();
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/whoami"))
			.header("Authorization", "Bearer " + token)
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
