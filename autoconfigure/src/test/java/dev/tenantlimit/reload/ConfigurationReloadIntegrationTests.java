package dev.tenantlimit.reload;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.tenantlimit.jdbc.JdbcTenantStore;
import dev.tenantlimit.limiter.FailMode;
import dev.tenantlimit.limiter.FallbackState;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantStatus;
import dev.tenantlimit.testapp.SharedDatabase;
import dev.tenantlimit.testapp.TestApplication;
import dev.tenantlimit.testapp.TestServices;
import dev.tenantlimit.testapp.TestTokens;
import dev.tenantlimit.web.TenantRateLimitFilter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An instance configured from a directory outside it ({@code spring.config.additional-location},
 * as a mounted ConfigMap is): the file is edited while it runs, and the new default quota,
 * dry-run, exemption, exclusion and fail mode apply within seconds, without a restart, with the
 * counts kept; an edit that names a bad quota is refused whole.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConfigurationReloadIntegrationTests {

	private static final Duration WITHIN = Duration.ofSeconds(10);

	@RegisterExtension
	static final SharedDatabase database = new SharedDatabase();

	private final HttpClient http = HttpClient.newHttpClient();

	@TempDir
	Path config;

	private ConfigurableApplicationContext instance;

	private String tenant;

	@AfterEach
	void stop() {
		if (this.instance != null) {
			this.instance.close();
		}
		FileSystemUtils.deleteRecursively(this.config.toFile());
	}

	@Test
	void editedConfigurationAppliesWithoutARestartAndKeepsTheCounts(CapturedOutput output) throws Exception {
		write(100, "");
		start();
		for (int i = 0; i < 5; i++) {
			assertThat(status("/api/whoami")).isEqualTo(200);
		}
		assertThat(policy()).contains("q=100");

		// 3 a minute: the 5 requests counted already are over it, so the very next one is refused
		TenantRateLimitFilter filter = this.instance.getBean(TenantRateLimitFilter.class);
		Duration took = edit(3, "", () -> filter.settings().defaultQuotas().get(0).limit() == 3);
		System.out.println("New default quota applied " + took.toMillis() + " ms after the edit");
		assertThat(status("/api/whoami")).as("the counts kept").isEqualTo(429);
		assertThat(policy()).contains("q=3");
		assertThat(filter.settings().exemptRoles()).as("from SPRING_APPLICATION_JSON, not a file").contains("OPS");

		// each setting on, then off again: every step waits for a change the one before did not make
		edit(3, "  dry-run: true\n", () -> status("/api/whoami") == 200);
		edit(3, "", () -> status("/api/whoami") == 429);
		edit(3, "  exempt:\n    tenants: [" + this.tenant + "]\n", () -> status("/api/whoami") == 200);
		edit(3, "", () -> status("/api/whoami") == 429);
		assertThat(status("/api/context")).isEqualTo(429);
		edit(3, "  filter:\n    exclude-paths: [/api/context]\n", () -> status("/api/context") == 200);
		assertThat(policy("/api/context")).as("an excluded path is not limited").isEmpty();
		assertThat(status("/api/whoami")).isEqualTo(429);
		FallbackState fallback = this.instance.getBean(FallbackState.class);
		edit(3, "  fail-mode: closed\n", () -> fallback.mode() == FailMode.CLOSED);

		// a limit of 0 is no quota: refused whole, the one in use (3 a minute, closed) stays
		write(0, "  fail-mode: open\n");
		long start = System.nanoTime();
		while (!output.getOut().contains("Refused the changed configuration")) {
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("refused after the edit").isLessThan(WITHIN);
			Thread.sleep(50);
		}
		assertThat(status("/api/whoami")).isEqualTo(429);
		assertThat(fallback.mode()).isEqualTo(FailMode.CLOSED);
		assertThat(filter.settings().exemptRoles()).contains("OPS");
	}

	/** A config tree (one file per property, as Kubernetes mounts a ConfigMap's keys) reloads too. */
	@Test
	void aConfigTreeReloads() throws Exception {
		Path tree = Files.createDirectories(this.config.resolve("tree").resolve("tenantlimit"));
		Files.writeString(tree.resolve("dry-run"), "false");
		start("spring.config.import=optional:configtree:" + this.config.resolve("tree") + "/",
				"tenantlimit.default-quotas[0].limit=2", "tenantlimit.default-quotas[0].window=1m");
		assertThat(status("/api/whoami")).isEqualTo(200);
		assertThat(status("/api/whoami")).isEqualTo(200);
		assertThat(status("/api/whoami")).isEqualTo(429);
		Files.writeString(tree.resolve("dry-run"), "true");
		long start = System.nanoTime();
		while (status("/api/whoami") != 200) {
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("applied after the edit").isLessThan(WITHIN);
			Thread.sleep(50);
		}
	}

	private void start(String... more) throws Exception {
		List<String> properties = new ArrayList<>(database.properties());
		properties.addAll(List.of("server.port=0", "tenantlimit.jwt.secret=" + TestTokens.SECRET,
				"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + TestServices.redisPort(),
				"tenantlimit.redis.key-prefix=tl-reload-" + UUID.randomUUID() + ":", "spring.main.banner-mode=off",
				"spring.config.additional-location=optional:file:" + this.config + "/",
				"tenantlimit.reload.interval=200ms",
				// a property source that is not a file: a reload keeps it as it is
				"spring.application.json={\"tenantlimit\":{\"exempt\":{\"roles\":[\"OPS\"]}}}"));
		properties.addAll(List.of(more));
		this.instance = new SpringApplicationBuilder(TestApplication.class)
			.properties(properties.toArray(String[]::new))
			.run();
		this.tenant = "reload-" + UUID.randomUUID().toString().substring(0, 8);
		// no quotas of its own: the default quotas apply
		this.instance.getBean(JdbcTenantStore.class)
			.createTenant(new Tenant(this.tenant, "Reload", null, TenantStatus.ACTIVE, List.of()));
	}

	private void write(long limit, String more) throws Exception {
		Path file = this.config.resolve("application.yml");
		Path next = this.config.resolve(".application.yml.tmp");
		Files.writeString(next, "tenantlimit:\n  default-quotas:\n    - limit: " + limit + "\n      window: 1m\n"
				+ more);
		// replaced at once, as Kubernetes swaps a ConfigMap's files
		Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	/** Write the file, and wait until {@code applied}; how long it took. */
	private Duration edit(long limit, String more, Check applied) throws Exception {
		write(limit, more);
		long start = System.nanoTime();
		while (!applied.ok()) {
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("applied after the edit").isLessThan(WITHIN);
			Thread.sleep(50);
		}
		return Duration.ofNanos(System.nanoTime() - start);
	}

	private int status(String path) throws Exception {
		return this.http.send(request(path), HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	private String policy() throws Exception {
		return policy("/api/whoami");
	}

	private String policy(String path) throws Exception {
		return this.http.send(request(path), HttpResponse.BodyHandlers.discarding())
			.headers()
			.firstValue("RateLimit-Policy")
			.orElse("");
	}

	private HttpRequest request(String path) {
		int port = ((WebServerApplicationContext) this.instance).getWebServer().getPort();
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.header("Authorization", "Bearer " + TestTokens.forTenant(this.tenant))
			.build();
	}

	@FunctionalInterface
	private interface Check {

		boolean ok() throws Exception;

	}

}
