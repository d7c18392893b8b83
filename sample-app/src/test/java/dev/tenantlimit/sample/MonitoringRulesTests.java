package dev.tenantlimit.sample;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tenantlimit.testapp.TestServices;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The monitoring shipped in docs/kubernetes/monitoring: the rules pass promtool's own checks and
 * unit tests, the operator's PrometheusRule holds the same groups as the plain rules file, and
 * every metric the dashboard and the rules query is one a real scrape of the sample app exposes.
 */
class MonitoringRulesTests {

	private static final Path DIRECTORY = Path.of("../docs/kubernetes/monitoring");

	private static final Pattern METRIC = Pattern.compile("\\btenantlimit_[a-z_]+\\b");

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void rulesPassPromtoolsChecksAndUnitTests() throws Exception {
		Assumptions.assumeTrue(new File("/usr/bin/promtool").canExecute(),
				"needs promtool, of Debian's prometheus package (.ci/run installs it)");
		assertThat(promtool("check", "rules", "tenantlimit-rules.yml")).contains("SUCCESS");
		assertThat(promtool("test", "rules", "tenantlimit-rules.test.yml")).contains("SUCCESS");
	}

	@Test
	@SuppressWarnings("unchecked")
	void theOperatorsRuleHoldsTheGroupsOfTheRulesFile() throws IOException {
		Map<String, Object> rules = new Yaml().load(Files.readString(DIRECTORY.resolve("tenantlimit-rules.yml")));
		Map<String, Object> operator = new Yaml().load(Files.readString(DIRECTORY.resolve("prometheus-rule.yaml")));
		assertThat(operator).containsEntry("kind", "PrometheusRule");
		assertThat((Map<String, Object>) operator.get("spec")).isEqualTo(rules);
	}

	@Test
	void everyMetricTheDashboardAndTheRulesQueryIsScraped() throws Exception {
		Set<String> queried = new TreeSet<>();
		JsonNode dashboard = JsonMapper.shared().readTree(Files.readString(DIRECTORY.resolve("grafana-dashboard.json")));
		for (JsonNode panel : dashboard.get("panels")) {
			for (JsonNode target : panel.get("targets")) {
				queried.addAll(metrics(target.get("expr").asString()));
			}
		}
		queried.addAll(metrics(Files.readString(DIRECTORY.resolve("tenantlimit-rules.yml"))));
		assertThat(queried).contains("tenantlimit_requests_total", "tenantlimit_decision_seconds_bucket",
				"tenantlimit_fallback_active");

		Set<String> scraped = scrapeAfterSomeRequests();
		assertThat(scraped).as("metrics a scrape of the sample app exposes").containsAll(queried);
	}

	/** The sample in its Kubernetes profile, tenant tag on, after allowed, refused and unknown requests. */
	private Set<String> scrapeAfterSomeRequests() throws Exception {
		int management = freePort();
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SampleApplication.class)
			.profiles("kubernetes")
			.run("--server.port=0", "--management.server.port=" + management, "--spring.main.banner-mode=off",
					"--tenantlimit.metrics.tenant-tag=true", "--spring.data.redis.port=" + TestServices.redisPort(),
					"--spring.datasource.url=jdbc:h2:mem:monitoring-" + UUID.randomUUID(),
					"--tenantlimit.redis.key-prefix=tl-test-" + UUID.randomUUID() + ":")) {
			int port = ((WebServerApplicationContext) app).getWebServer().getPort();
			for (int i = 0; i < 7; i++) {
				get(port, "/api/whoami", "X-API-Key", "tl_demo_do_not_use_in_production_0");
			}
			get(port, "/api/whoami", "X-API-Key", "tl_unknown");
			String body = get(management, "/actuator/prometheus", "Accept", "text/plain").body();
			assertThat(body).contains("tenant=\"demo\"").contains("outcome=\"denied\"")
				// the bucket the near-quota alert reads, as the rules spell it
				.contains("tenantlimit_quota_usage_bucket{tenant=\"demo\",le=\"0.9\"}");
			Set<String> names = new TreeSet<>();
			for (String line : body.split("\n")) {
				if (!line.startsWith("#") && !line.isBlank()) {
					Matcher name = Pattern.compile("^[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(line);
					if (name.find()) {
						names.add(name.group());
					}
				}
			}
			return names;
		}
	}

	private static List<String> metrics(String text) {
		List<String> names = new ArrayList<>();
		Matcher matcher = METRIC.matcher(text);
		while (matcher.find()) {
			names.add(matcher.group());
		}
		return names;
	}

	private String promtool(String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of("/usr/bin/promtool"));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).directory(DIRECTORY.toFile()).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor()).as(output).isZero();
		return output;
	}

	private HttpResponse<String> get(int port, String path, String header, String value) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header(header, value)
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
