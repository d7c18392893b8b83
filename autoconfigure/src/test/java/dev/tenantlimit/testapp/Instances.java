package dev.tenantlimit.testapp;

import java.time.Duration;
import java.util.List;

import dev.tenantlimit.redis.InstanceHeartbeat;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** Instances of the test application started together. */
public final class Instances {

	private Instances() {
	}

	/**
	 * Wait until each instance counts all of them live (heartbeats through Redis): only then is
	 * each one's share while Redis is away its part, not the whole.
	 */
	public static void awaitSeeingEachOther(List<ConfigurableApplicationContext> instances)
			throws InterruptedException {
		for (ConfigurableApplicationContext instance : instances) {
			InstanceHeartbeat heartbeat = instance.getBean(InstanceHeartbeat.class);
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (heartbeat.getAsInt() != instances.size() && System.nanoTime() < deadline) {
				Thread.sleep(20);
			}
			assertThat(heartbeat.getAsInt()).as("live instances seen by each instance").isEqualTo(instances.size());
		}
	}

}
