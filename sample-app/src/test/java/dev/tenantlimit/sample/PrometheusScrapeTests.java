package dev.tenantlimit.sample;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.tenantlimit.testapp.TestServices;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes profile as Prometheus and the prometheus-adapter see it: two instances, each with
 * its actuator on a management port where {@code /actuator/prometheus} is open (and only there), a
 * real Prometheus (Debian's package) scraping both, and the adapter rule's query giving requests
 * per second per pod.
 */
class PrometheusScrapeTests {

	private static final String DEMO_KEY = "tl_demo_do_not_use_in_production_0";

	/** The prometheus-adapter rule's metricsQuery (docs/kubernetes/prometheus-adapter-rules.yaml), filled in. */
	private static final String ADAPTER_QUERY = "sum(rate(tenantlimit_requests_total{namespace=\"tenantlimit\",pod!=\"\"}[1m])) by (pod)";

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void prometheusScrapesBothInstancesAndTheAdapterQueryGivesRequestsPerSecondPerPod() throws Exception {
		Assumptions.assumeTrue(new File("/usr/bin/prometheus").canExecute(),
				"needs Debian's prometheus package (.ci/run installs it)");
		List<ConfigurableApplicationContext> instances = new ArrayList<>();
		List<Integer> managementPorts = new ArrayList<>();
		Path data = Files.createTempDirectory("tl-prometheus");
		Process prometheus = null;
		try {
			for (int i = 0; i < 2; i++) {
				int management = freePort();
				managementPorts.add(management);
				// arguments, since the profile's own settings win over default properties
				instances.add(new SpringApplicationBuilder(SampleApplication.class).profiles("kubernetes")
					.run("--server.port=0", "--management.server.port=" + management, "--spring.main.banner-mode=off",
							"--spring.data.redis.port=" + TestServices.redisPort(),
							"--spring.datasource.url=jdbc:h2:mem:prom-" + UUID.randomUUID(),
							"--tenantlimit.redis.key-prefix=tl-test-" + UUID.randomUUID() + ":"));
			}
			for (int i = 0; i < 2; i++) {
				int app = ((WebServerApplicationContext) instances.get(i)).getWebServer().getPort();
				assertThat(status(managementPorts.get(i), "/actuator/prometheus")).as("scrape on the management port")
					.isEqualTo(200);
				assertThat(status(managementPorts.get(i), "/actuator/tenantlimit")).as("other endpoints").isEqualTo(401);
				assertThat(status(app, "/actuator/prometheus")).as("not on the application's port").isNotEqualTo(200);
			}
			int prometheusPort = freePort();
			Path config = data.resolve("prometheus.yml");
			Files.writeString(config, """
					global:
					  scrape_interval: 1s
					scrape_configs:
					  - job_name: tenantlimit-sample
					    metrics_path: /actuator/prometheus
					    static_configs:
					      - targets: ['127.0.0.1:%d']
					        labels: {namespace: tenantlimit, pod: sample-0}
					      - targets: ['127.0.0.1:%d']
					        labels: {namespace: tenantlimit, pod: sample-1}
					""".formatted(managementPorts.get(0), managementPorts.get(1)));
			prometheus = new ProcessBuilder("/usr/bin/prometheus", "--config.file=" + config,
					"--storage.tsdb.path=" + data.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + prometheusPort)
				.redirectErrorStream(true)
				.redirectOutput(data.resolve("prometheus.log").toFile())
				.start();

			JsonNode result = null;
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (System.nanoTime() < deadline) {
				for (ConfigurableApplicationContext instance : instances) {
					apiRequest(((WebServerApplicationContext) instance).getWebServer().getPort());
				}
				result = query(prometheusPort);
				if (result != null && result.size() == 2 && positive(result)) {
					break;
				}
				Thread.sleep(250);
			}
			System.out.println("Prometheus, " + ADAPTER_QUERY + ": " + result);
			assertThat(result).as("one series per pod, each with a rate above 0").isNotNull().hasSize(2);
			assertThat(positive(result)).isTrue();
		}
		finally {
			if (prometheus != null) {
				prometheus.destroyForcibly().waitFor();
			}
			instances.forEach(ConfigurableApplicationContext::close);
			FileSystemUtils.deleteRecursively(data);
		}
	}

	private static boolean positive(JsonNode result) {
		for (JsonNode series : result) {
			if (Double.parseDouble(series.get("value").get(1).asString()) <= 0) {
				return false;
			}
		}
		return true;
	}

	private JsonNode query(int port) {
		try {
			HttpResponse<String> response = this.http.send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
						+ URLEncoder.encode(ADAPTER_QUERY, StandardCharsets.UTF_8)))
				.build(), HttpResponse.BodyHandlers.ofString());
			return (response.statusCode() == 200) ? JsonMapper.shared().readTree(response.body()).get("data").get("result")
					: null;
		}
		catch (Exception ex) {
			return null;
		}
	}

	private int status(int port, String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
				HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	private void apiRequest(int port) throws Exception {
		this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/whoami"))
			.header("X-API-Key", DEMO_KEY)
			.build(), HttpResponse.BodyHandlers.discarding());
	}

	private static int freePort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
