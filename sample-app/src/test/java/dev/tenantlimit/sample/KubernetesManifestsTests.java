package dev.tenantlimit.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import dev.tenantlimit.testapp.TestServices;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/kubernetes applies as it is: every file is listed and parses, and the references between
 * the objects hold (labels and selectors, ports, ConfigMap and Secret keys, the HPA's target and
 * metric, the Redis host), and the probe paths are ones this app really serves.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KubernetesManifestsTests {

	private static final Path DIRECTORY = Path.of("../docs/kubernetes");

	private static final List<Map<String, Object>> objects = new ArrayList<>();

	@DynamicPropertySource
	static void isolate(DynamicPropertyRegistry registry) {
		registry.add("tenantlimit.redis.key-prefix", () -> "tl-test-" + UUID.randomUUID() + ":");
		registry.add("spring.data.redis.port", TestServices::redisPort);
		registry.add("spring.datasource.url", () -> "jdbc:h2:mem:k8s-" + UUID.randomUUID());
	}

	@LocalServerPort
	private int port;

	@BeforeAll
	@SuppressWarnings("unchecked")
	static void load() throws IOException {
		Map<String, Object> kustomization = new Yaml().load(Files.readString(DIRECTORY.resolve("kustomization.yaml")));
		List<String> resources = (List<String>) kustomization.get("resources");
		try (Stream<Path> files = Files.list(DIRECTORY)) {
			assertThat(files.map((file) -> file.getFileName().toString()).filter((name) -> name.endsWith(".yaml"))
				.filter((name) -> !name.equals("kustomization.yaml"))).containsExactlyInAnyOrderElementsOf(resources);
		}
		for (String resource : resources) {
			for (Object document : new Yaml().loadAll(Files.readString(DIRECTORY.resolve(resource)))) {
				objects.add((Map<String, Object>) document);
			}
		}
	}

	@Test
	void everyObjectIsInTheNamespace() {
		for (Map<String, Object> object : objects) {
			if (!"Namespace".equals(object.get("kind"))) {
				assertThat(get(object, "metadata", "namespace")).as(name(object)).isEqualTo("tenantlimit");
			}
		}
		assertThat(find("Namespace", "tenantlimit")).isNotNull();
	}

	@Test
	void servicesSelectTheirPodsAndPorts() {
		for (Map<String, Object> service : all("Service")) {
			Map<String, Object> deployment = all("Deployment").stream()
				.filter((candidate) -> labels(candidate).entrySet()
					.containsAll(((Map<?, ?>) get(service, "spec", "selector")).entrySet()))
				.findFirst()
				.orElseThrow(() -> new AssertionError(name(service) + " selects no pods"));
			assertThat(labels(deployment)).containsAllEntriesOf(matchLabels(deployment));
			Set<String> portNames = containerPortNames(deployment);
			for (Object port : (List<?>) get(service, "spec", "ports")) {
				assertThat(portNames).as(name(service)).contains((String) ((Map<?, ?>) port).get("targetPort"));
			}
		}
	}

	@Test
	@SuppressWarnings("unchecked")
	void ingressAndHpaPointAtRealObjects() {
		Map<String, Object> ingress = all("Ingress").get(0);
		for (Object rule : (List<?>) get(ingress, "spec", "rules")) {
			for (Object path : (List<?>) ((Map<String, Object>) ((Map<?, ?>) rule).get("http")).get("paths")) {
				Map<String, Object> backend = (Map<String, Object>) get((Map<String, Object>) path, "backend", "service");
				Map<String, Object> service = find("Service", (String) backend.get("name"));
				assertThat(service).as("ingress backend").isNotNull();
				String portName = (String) ((Map<?, ?>) backend.get("port")).get("name");
				assertThat(((List<Map<String, Object>>) get(service, "spec", "ports")).stream().map((p) -> p.get("name")))
					.contains(portName);
			}
		}
		Map<String, Object> hpa = all("HorizontalPodAutoscaler").get(0);
		assertThat(find("Deployment", (String) get(hpa, "spec", "scaleTargetRef", "name"))).isNotNull();
		String metric = (String) get((Map<String, Object>) ((List<?>) get(hpa, "spec", "metrics")).get(0), "pods",
				"metric", "name");
		String adapterRules = (String) get(find("ConfigMap", "adapter-config"), "data", "config.yaml");
		assertThat(adapterRules).contains("as: \"" + metric + "\"", "tenantlimit_requests_total");
	}

	@Test
	@SuppressWarnings("unchecked")
	void secretAndConfigMapReferencesResolve() {
		Map<String, Object> app = find("Deployment", "tenantlimit-sample");
		Map<String, Object> container = container(app);
		for (Object entry : (List<?>) container.get("env")) {
			Map<String, Object> valueFrom = (Map<String, Object>) ((Map<?, ?>) entry).get("valueFrom");
			if (valueFrom != null) {
				Map<String, Object> ref = (Map<String, Object>) valueFrom.get("secretKeyRef");
				Map<String, Object> secret = find("Secret", (String) ref.get("name"));
				assertThat((Map<String, Object>) secret.get("stringData")).containsKey((String) ref.get("key"));
			}
		}
		for (Object volume : (List<?>) get(app, "spec", "template", "spec", "volumes")) {
			String configMap = (String) ((Map<?, ?>) ((Map<?, ?>) volume).get("configMap")).get("name");
			assertThat(find("ConfigMap", configMap)).as("volume ConfigMap").isNotNull();
		}
		String applicationYml = (String) get(find("ConfigMap", "tenantlimit-config"), "data", "application.yml");
		Map<String, Object> configuration = new Yaml().load(applicationYml);
		String redisHost = (String) get(configuration, "spring", "data", "redis", "host");
		assertThat(find("Service", redisHost)).as("Redis service named in application.yml").isNotNull();
	}

	@Test
	@SuppressWarnings("unchecked")
	void probePathsAreServedByTheApp() throws Exception {
		Map<String, Object> container = container(find("Deployment", "tenantlimit-sample"));
		for (String probe : List.of("readinessProbe", "livenessProbe")) {
			String path = (String) get((Map<String, Object>) container.get(probe), "httpGet", "path");
			HttpResponse<String> response = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
						HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(path).isEqualTo(200);
			assertThat(response.body()).contains("\"status\":\"UP\"");
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> container(Map<String, Object> deployment) {
		return (Map<String, Object>) ((List<?>) get(deployment, "spec", "template", "spec", "containers")).get(0);
	}

	@SuppressWarnings("unchecked")
	private static Set<String> containerPortNames(Map<String, Object> deployment) {
		Set<String> names = new HashSet<>();
		for (Object container : (List<?>) get(deployment, "spec", "template", "spec", "containers")) {
			for (Object port : (List<?>) ((Map<String, Object>) container).get("ports")) {
				names.add((String) ((Map<?, ?>) port).get("name"));
			}
		}
		return names;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> labels(Map<String, Object> deployment) {
		return (Map<String, Object>) get(deployment, "spec", "template", "metadata", "labels");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> matchLabels(Map<String, Object> deployment) {
		return (Map<String, Object>) get(deployment, "spec", "selector", "matchLabels");
	}

	private static List<Map<String, Object>> all(String kind) {
		return objects.stream().filter((object) -> kind.equals(object.get("kind"))).toList();
	}

	private static Map<String, Object> find(String kind, String name) {
		return all(kind).stream().filter((object) -> name.equals(get(object, "metadata", "name"))).findFirst().orElse(null);
	}

	private static String name(Map<String, Object> object) {
		return object.get("kind") + "/" + get(object, "metadata", "name");
	}

	@SuppressWarnings("unchecked")
	private static Object get(Map<String, Object> map, String... path) {
		Object current = map;
		for (String key : path) {
			current = ((Map<String, Object>) current).get(key);
			if (current == null) {
				return null;
			}
		}
		return current;
	}

}
