package dev.tenantlimit.web;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.tenantlimit.testapp.LoopbackClient;
import dev.tenantlimit.testapp.SharedDatabase;
import dev.tenantlimit.testapp.TestApplication;
import dev.tenantlimit.testapp.TestServices;
import dev.tenantlimit.testapp.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests without credentials, with {@code allow-anonymous} and anonymous quotas: each client
 * address has its own count (the clients are bound to 127.0.0.2 and 127.0.0.3, two addresses of
 * the loopback range), refused with 429 and the headers as a tenant is, and a tenant's requests
 * from the same address are counted apart.
 */
class AnonymousCallersIntegrationTests {

	@RegisterExtension
	static final SharedDatabase database = new SharedDatabase();

	private static ConfigurableApplicationContext instance;

	private static int port;

	@BeforeAll
	static void start() {
		List<String> properties = new ArrayList<>(database.properties());
		properties.addAll(List.of("server.port=0", "tenantlimit.jwt.secret=" + TestTokens.SECRET,
				"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + TestServices.redisPort(),
				"tenantlimit.redis.key-prefix=tl-anon-" + UUID.randomUUID() + ":", "spring.main.banner-mode=off",
				"tenantlimit.filter.allow-anonymous=true", "tenantlimit.anonymous.quotas[0].limit=2",
				"tenantlimit.anonymous.quotas[0].window=1m", "tenantlimit.anonymous.quotas[0].path=/api/**"));
		instance = new SpringApplicationBuilder(TestApplication.class).properties(properties.toArray(String[]::new))
			.run();
		port = ((WebServerApplicationContext) instance).getWebServer().getPort();
	}

	@AfterAll
	static void stop() {
		instance.close();
	}

	@Test
	void eachClientAddressIsLimitedOnItsOwn() throws Exception {
		// a tenant calling from an address uses none of the address's count
		String tenant = "anon-test-" + UUID.randomUUID().toString().substring(0, 8);
		for (int i = 0; i < 3; i++) {
			assertThat(get("127.0.0.2", "/api/whoami", TestTokens.forTenant(tenant))).startsWith("HTTP/1.1 200")
				.contains("\"tenant\":\"" + tenant + "\"");
		}
		assertThat(get("127.0.0.2", "/api/context", null)).startsWith("HTTP/1.1 200").contains("RateLimit-Policy: \"per-minute\";q=2;w=60");
		assertThat(get("127.0.0.2", "/api/context", null)).startsWith("HTTP/1.1 200");
		String refused = get("127.0.0.2", "/api/context", null);
		assertThat(refused).startsWith("HTTP/1.1 429")
			.contains("Retry-After:", "application/problem+json", "\"client\":\"127.0.0.2\"",
					"Client 127.0.0.2 exceeded its quota of 2 requests per 60s")
			.doesNotContain("\"tenant\"");
		// another address has a count of its own
		assertThat(get("127.0.0.3", "/api/context", null)).startsWith("HTTP/1.1 200");
		assertThat(get("127.0.0.3", "/api/context", null)).startsWith("HTTP/1.1 200");
		assertThat(get("127.0.0.3", "/api/context", null)).startsWith("HTTP/1.1 429");
		// and a refused address does not refuse the tenant
		assertThat(get("127.0.0.2", "/api/whoami", TestTokens.forTenant(tenant))).startsWith("HTTP/1.1 200");
		// the application sees no tenant in an anonymous request
		assertThat(get("127.0.0.4", "/api/context", null)).startsWith("HTTP/1.1 200").contains("\"tenantContext\":null");
	}

	@Test
	void pathsTheAnonymousQuotasDoNotMatchPassUnlimited() throws Exception {
		for (int i = 0; i < 4; i++) {
			assertThat(get("127.0.0.5", "/diagnostics/state", null)).startsWith("HTTP/1.1 200")
				.doesNotContain("RateLimit-Policy");
		}
	}

	/** One HTTP/1.1 request from a socket bound to {@code from}; the whole answer, headers and body. */
	private static String get(String from, String path, String token) throws IOException {
		return LoopbackClient.get(from, port, path, token);
	}

}
