package dev.tenantlimit.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tenantlimit.testapp.InstanceProcess;
import dev.tenantlimit.testapp.SharedDatabase;
import dev.tenantlimit.testapp.TestServices;
import dev.tenantlimit.testapp.TestTokens;
import dev.tenantlimit.testapp.Traffic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Instances in JVMs of their own, started together and hit the moment they report ready, as an
 * autoscaler's new pods are: on a healthy Redis a slow, cold JVM is not an outage, so every
 * decision is Redis's and the instances admit exactly the limit between them.
 */
class ColdStartIntegrationTests {

	@RegisterExtension
	static final SharedDatabase database = new SharedDatabase();

	private final List<InstanceProcess> instances = new ArrayList<>();

	@AfterEach
	void stopAll() throws Exception {
		for (InstanceProcess instance : this.instances) {
			instance.close();
		}
		this.instances.clear();
	}

	@Test
	void threeFreshInstancesAdmitExactlyTheLimitAndDecideNothingLocally() throws Exception {
		for (int round = 1; round <= 3; round++) {
			String tenant = "cold-" + round + "-" + UUID.randomUUID().toString().substring(0, 8);
			database.createTenant(tenant, 100, Duration.ofMinutes(1));
			List<Integer> ports = start(3);
			Traffic.Result result = Traffic.send(tenant, ports, 600, 48);
			System.out.println("Cold start round " + round + ": " + result.statuses() + ", slowest answer "
					+ result.worst().toMillis() + " ms");
			assertThat(result.statuses()).as("round %d", round).isEqualTo(Map.of(200, 100, 429, 500));
			assertNothingDecidedLocally();
			stopAll();
		}
	}

	@Test
	void oneInstanceUnderLoadFromItsFirstSecondNeverFallsBack() throws Exception {
		String tenant = "load-" + UUID.randomUUID().toString().substring(0, 8);
		database.createTenant(tenant, 1_000_000, Duration.ofMinutes(1));
		List<Integer> ports = start(1);
		long start = System.nanoTime();
		Traffic.Result result = Traffic.send(tenant, ports, 6000, 32);
		long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
		System.out.println("Cold instance under load: " + result.statuses() + " in " + millis + " ms ("
				+ (6000 * 1000 / Math.max(1, millis)) + " requests/s), slowest answer " + result.worst().toMillis()
				+ " ms");
		assertThat(result.statuses()).isEqualTo(Map.of(200, 6000));
		assertNothingDecidedLocally();
		stopAll();
	}

	private List<Integer> start(int count) throws Exception {
		String keyPrefix = "tl-cold-" + UUID.randomUUID() + ":";
		for (int i = 0; i < count; i++) {
			List<String> properties = new ArrayList<>(database.properties());
			properties.addAll(List.of("tenantlimit.jwt.secret=" + TestTokens.SECRET, "spring.data.redis.host=127.0.0.1",
					"spring.data.redis.port=" + TestServices.redisPort(), "tenantlimit.redis.key-prefix=" + keyPrefix,
					"tenantlimit.filter.exclude-paths=/actuator/**,/error,/diagnostics/**"));
			this.instances.add(InstanceProcess.start(properties.toArray(String[]::new)));
		}
		List<Integer> ports = new ArrayList<>();
		for (InstanceProcess instance : this.instances) {
			ports.add(instance.awaitReady(Duration.ofSeconds(120)).port());
		}
		return ports;
	}

	private void assertNothingDecidedLocally() throws Exception {
		for (InstanceProcess instance : this.instances) {
			Map<String, Object> state = instance.state();
			assertThat(state).as("instance on port %d: %s", instance.port(), instance.tail())
				.containsEntry("localDecisions", 0)
				.containsEntry("outages", 0);
		}
	}

}
