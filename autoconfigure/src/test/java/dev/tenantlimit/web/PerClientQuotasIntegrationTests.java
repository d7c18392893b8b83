package dev.tenantlimit.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.tenantlimit.jdbc.JdbcTenantStore;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantStatus;
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
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Quotas counted {@code per} client address, JWT claim or header within a tenant, over real HTTP
 * (clients bound to 127.0.0.2 and 127.0.0.3), the real Redis and the shared database.
 */
class PerClientQuotasIntegrationTests {

	@RegisterExtension
	static final SharedDatabase database = new SharedDatabase();

	private static final String PREFIX = "tl-per-" + UUID.randomUUID() + ":";

	private static ConfigurableApplicationContext instance;

	private static int port;

	private final String tenant = "per-" + UUID.randomUUID().toString().substring(0, 8);

	@BeforeAll
	static void start() {
		List<String> properties = new ArrayList<>(database.properties());
		properties.addAll(List.of("server.port=0", "tenantlimit.jwt.secret=" + TestTokens.SECRET,
				"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + TestServices.redisPort(),
				"tenantlimit.redis.key-prefix=" + PREFIX, "spring.main.banner-mode=off",
				// two a minute for each client address of a tenant, 100 for the tenant
				"tenantlimit.default-quotas[0].limit=2", "tenantlimit.default-quotas[0].window=1m",
				"tenantlimit.default-quotas[0].per[0]=client-ip", "tenantlimit.default-quotas[1].limit=100",
				"tenantlimit.default-quotas[1].window=1m"));
		instance = new SpringApplicationBuilder(TestApplication.class).properties(properties.toArray(String[]::new))
			.run();
		port = ((WebServerApplicationContext) instance).getWebServer().getPort();
	}

	@AfterAll
	static void stop() {
		instance.close();
	}

	@Test
	void twoClientAddressesOfOneTenantAreCountedApart() throws Exception {
		String token = TestTokens.forTenant(this.tenant);
		assertThat(status("127.0.0.2", token)).isEqualTo(200);
		assertThat(status("127.0.0.2", token)).isEqualTo(200);
		String refused = LoopbackClient.get("127.0.0.2", port, "/api/whoami", token);
		assertThat(refused).startsWith("HTTP/1.1 429").contains("\"tenant\":\"" + this.tenant + "\"", "\"limit\":2");
		// another address of the same tenant has a count of its own
		assertThat(status("127.0.0.3", token)).isEqualTo(200);
		assertThat(status("127.0.0.3", token)).isEqualTo(200);
		assertThat(status("127.0.0.3", token)).isEqualTo(429);
		assertThat(status("127.0.0.2", token)).isEqualTo(429);
		// the tenant-wide quota counted all four admitted requests
		assertThat(LoopbackClient.get("127.0.0.4", port, "/api/whoami", token))
			.contains("RateLimit-Policy: \"per-minute\";q=2;w=60, \"per-minute-2\";q=100;w=60");
		// in Redis: one key per address, named by a digest, not by the address
		Set<String> keys = instance.getBean(StringRedisTemplate.class).keys(PREFIX + "{" + this.tenant + "}:*");
		assertThat(keys).hasSize(4).noneMatch((key) -> key.contains("127.0.0"));
	}

	@Test
	void aClaimOrAHeaderNamesTheCounterWithinATenant() throws Exception {
		JdbcTenantStore store = instance.getBean(JdbcTenantStore.class);
		store.createTenant(new Tenant(this.tenant, "Apps", null, TenantStatus.ACTIVE,
				List.of(new Quota(null, 2, Duration.ofMinutes(1), "/api/**", Set.of()).withPer(List.of("claim:client_id")))));
		assertThat(store.findTenant(this.tenant).orElseThrow().quotas().get(0).per()).containsExactly("claim:client_id");
		String appA = TestTokens.forTenant(this.tenant, Map.of("client_id", "app-a"));
		String appB = TestTokens.forTenant(this.tenant, Map.of("client_id", "app-b"));
		String noApp = TestTokens.forTenant(this.tenant);
		for (String token : List.of(appA, appB, noApp)) {
			assertThat(status("127.0.0.2", token)).isEqualTo(200);
			assertThat(status("127.0.0.3", token)).as("the address is not a dimension here").isEqualTo(200);
			assertThat(status("127.0.0.2", token)).isEqualTo(429);
		}
		// a new token of app-a counts with the first
		assertThat(status("127.0.0.2", TestTokens.forTenant(this.tenant, Map.of("client_id", "app-a")))).isEqualTo(429);
	}

	private static int status(String from, String token) throws Exception {
		String answer = LoopbackClient.get(from, port, "/api/whoami", token);
		return Integer.parseInt(answer.substring(9, 12));
	}

}
