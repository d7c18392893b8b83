package dev.tenantlimit.redis;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tenantlimit.limiter.DenyCachingRateLimiter;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.testapp.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deny cache never refuses what Redis would admit: whenever it answers from memory, Redis,
 * read just before, shows the quota full (the window only empties with time, so full before means
 * full at the refusal). Meanwhile far fewer requests reach Redis.
 */
class DenyCacheExactnessIntegrationTests {

	private static LettuceConnectionFactory connectionFactory;

	@BeforeAll
	static void connect() {
		connectionFactory = TestRedis.connect(TestRedis.port());
	}

	@AfterAll
	static void disconnect() {
		connectionFactory.destroy();
	}

	@Test
	void refusesFromMemoryOnlyWhatRedisWouldRefuse() throws InterruptedException {
		RedisSlidingWindowRateLimiter redis = new RedisSlidingWindowRateLimiter(connectionFactory,
				"tl-test-" + UUID.randomUUID() + ":");
		AtomicInteger redisCalls = new AtomicInteger();
		DenyCachingRateLimiter cached = new DenyCachingRateLimiter((tenant, quotas) -> {
			redisCalls.incrementAndGet();
			return redis.tryAcquire(tenant, quotas);
		});
		List<Quota> threePerSecond = List.of(Quota.of(3, Duration.ofSeconds(1)));
		int fromMemory = 0;
		int admitted = 0;
		for (int tick = 0; tick < 100; tick++) {
			long usedBefore = redis.usage("acme", threePerSecond).get(0).used();
			int callsBefore = redisCalls.get();
			boolean allowed = cached.tryAcquire("acme", threePerSecond).allowed();
			admitted += allowed ? 1 : 0;
			if (redisCalls.get() == callsBefore) {
				fromMemory++;
				assertThat(allowed).isFalse();
				assertThat(usedBefore).as("Redis's count when the cache refused at tick %d", tick).isEqualTo(3);
			}
			Thread.sleep(25);
		}
		System.out.println("Deny cache: " + admitted + " admitted of 100; " + fromMemory
				+ " refused from memory; Redis calls " + redisCalls.get());
		assertThat(admitted).isBetween(6, 12);
		assertThat(fromMemory).isGreaterThan(60);
	}

}
