package dev.tenantlimit.redis;

import java.time.Duration;
import java.util.UUID;

import dev.tenantlimit.testapp.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/** Leases in the local Redis, shared by two "instances" (two lease objects on one key space). */
class RedisConcurrencyLeasesIntegrationTests {

	private static LettuceConnectionFactory connectionFactory;

	private final String prefix = "tl-test-" + UUID.randomUUID() + ":";

	@BeforeAll
	static void connect() {
		connectionFactory = TestRedis.connect(TestRedis.port());
	}

	@AfterAll
	static void disconnect() {
		connectionFactory.destroy();
	}

	@Test
	void capIsSharedByInstancesAndReleasedLeasesFreeAPlace() throws InterruptedException {
		RedisConcurrencyLeases one = leases(Duration.ofSeconds(30));
		RedisConcurrencyLeases two = leases(Duration.ofSeconds(30));
		assertThat(one.tryAcquire("acme", "read", "a", 2)).isTrue();
		assertThat(two.tryAcquire("acme", "read", "b", 2)).isTrue();
		assertThat(one.tryAcquire("acme", "read", "c", 2)).isFalse();
		assertThat(two.tryAcquire("acme", "mutating", "d", 2)).isTrue();
		two.release("acme", "read", "b");
		awaitLeases(one, "read", 1);
		assertThat(one.tryAcquire("acme", "read", "e", 2)).isTrue();
	}

	@Test
	void leasesOfADeadInstanceExpire() throws InterruptedException {
		RedisConcurrencyLeases dying = leases(Duration.ofMillis(300));
		assertThat(dying.tryAcquire("acme", "read", "x", 1)).isTrue();
		RedisConcurrencyLeases survivor = leases(Duration.ofMillis(300));
		assertThat(survivor.tryAcquire("acme", "read", "y", 1)).isFalse();
		// the dying instance never gives "x" back
		Thread.sleep(400);
		assertThat(survivor.tryAcquire("acme", "read", "y", 1)).isTrue();
	}

	private RedisConcurrencyLeases leases(Duration leaseTimeout) {
		return new RedisConcurrencyLeases(new ReactiveStringRedisTemplate(connectionFactory), this.prefix, leaseTimeout,
				Duration.ofSeconds(2));
	}

	private static void awaitLeases(RedisConcurrencyLeases leases, String kind, long count)
			throws InterruptedException {
		ReactiveStringRedisTemplate redis = new ReactiveStringRedisTemplate(connectionFactory);
		for (int i = 0; i < 100; i++) {
			if (redis.opsForZSet().size(leases.key("acme", kind)).block() == count) {
				return;
			}
			Thread.sleep(10);
		}
		throw new AssertionError("lease not released");
	}

}
