package dev.tenantlimit.ownsecurity;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import dev.tenantlimit.testapp.TestServices;
import dev.tenantlimit.testapp.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application with a chain of its own and {@code .with(tenantLimit(), ...)} in it: tenants'
 * tokens satisfy its URL rules, its HTTP Basic users map to tenants by an authority without code,
 * a user who names no tenant is refused even with {@code allow-anonymous}, and everyone is limited.
 */
class OwnSecurityApplicationTests {

	private static ConfigurableApplicationContext context;

	private static int port;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() {
		context = new SpringApplicationBuilder(OwnSecurityApplication.class)
			.properties("server.port=0", "spring.main.banner-mode=off", "tenantlimit.jwt.secret=" + TestTokens.SECRET,
					"tenantlimit.default-quotas[0].limit=3", "tenantlimit.default-quotas[0].window=1m",
					"tenantlimit.authentication.authority-prefix=TENANT_", "tenantlimit.filter.allow-anonymous=true",
					"spring.data.redis.port=" + TestServices.redisPort(),
					"tenantlimit.redis.key-prefix=tl-test-" + UUID.randomUUID() + ":")
			.run();
		port = ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	@AfterAll
	static void stop() {
		context.close();
	}

	@Test
	void aTenantsTokenSatisfiesTheApplicationsUrlRulesAndIsLimited() throws Exception {
		String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
		String bearer = "Bearer " + TestTokens.forTenant(tenant);
		for (int i = 0; i < 3; i++) {
			HttpResponse<String> allowed = get("/hello", bearer);
			assertThat(allowed.statusCode()).isEqualTo(200);
			assertThat(allowed.body()).isEqualTo("hello " + tenant);
			assertThat(allowed.headers().firstValue("RateLimit-Policy")).hasValue("\"per-minute\";q=3;w=60");
		}
		assertThat(get("/hello", bearer).statusCode()).isEqualTo(429);
	}

	@Test
	void aRejectedTokenGetsTenantLimitsProblemNotTheApplicationsChallenge() throws Exception {
		HttpResponse<String> response = get("/hello", "Bearer " + TestTokens.forTenant("acme") + "x");
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
	}

	@Test
	void theApplicationsOwnRulesStillAnswerWhoSentNothing() throws Exception {
		HttpResponse<String> response = get("/hello", null);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Basic");
		assertThat(get("/public", null).statusCode()).isEqualTo(200);
	}

	@Test
	void basicUsersAreTenantsByAnAuthorityAndShareTheTenantsQuota() throws Exception {
		String alice = basic("alice", "alice-password");
		HttpResponse<String> first = get("/hello", alice);
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(first.body()).isEqualTo("hello alice");
		assertThat(first.headers().firstValue("RateLimit")).hasValue("\"per-minute\";r=2;t=60");
		assertThat(get("/hello", alice).statusCode()).isEqualTo(200);
		assertThat(get("/hello", "Bearer " + TestTokens.forTenant("acme")).statusCode()).isEqualTo(200);
		assertThat(get("/hello", alice).statusCode()).isEqualTo(429);
	}

	@Test
	void aSignedInUserWhoNamesNoTenantIsNotLetThroughAsAnonymous() throws Exception {
		HttpResponse<String> response = get("/hello", basic("bob", "bob-password"));
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.body()).contains("your authentication names no tenant");
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	private HttpResponse<String> get(String path, String authorization) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
