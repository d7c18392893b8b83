package dev.tenantlimit.redis;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.tenantlimit.limiter.LocalAdmissions;
import dev.tenantlimit.limiter.RateLimiterUnavailableException;
import dev.tenantlimit.quota.Algorithm;
import dev.tenantlimit.quota.AlgorithmSettings;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.testapp.PrivateRedisServer;
import dev.tenantlimit.testapp.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * write_back.lua and the decision's deadline on the local Redis: what an instance admitted without
 * Redis counts in the window it was admitted in, for every algorithm, and a call Redis runs too late
 * records nothing.
 */
class RedisWriteBackIntegrationTests {

	private static LettuceConnectionFactory connectionFactory;

	private final String prefix = "tl-test-" + UUID.randomUUID() + ":";

	private final RedisSlidingWindowRateLimiter limiter = new RedisSlidingWindowRateLimiter(connectionFactory,
			this.prefix);

	@BeforeAll
	static void connect() {
		connectionFactory = TestRedis.connect(TestRedis.port());
	}

	@AfterAll
	static void disconnect() {
		connectionFactory.destroy();
	}

	@ParameterizedTest
	@ValueSource(strings = { "sliding-log", "sliding-counter", "token-bucket" })
	void writtenBackAdmissionsCountInTheirWindow(String algorithm) {
		Quota quota = Quota.of(10, Duration.ofMinutes(1)).withAlgorithm(Algorithm.of(algorithm), 0);
		// four admitted locally 20 s ago, three 2 s ago, and two that no longer count (70 s ago)
		this.limiter.writeBack(new LocalAdmissions.Batch("acme", quota,
				new long[] { seconds(20), seconds(2), seconds(70) }, new long[] { 4, 3, 2 }));
		assertThat(admitted(quota, 10)).isEqualTo(3);
	}

	/**
	 * Not trimmed to the newest {@code limit} entries: a lease may give entries back later, and a
	 * trimmed log would then count fewer than were used.
	 */
	@Test
	void theLogKeepsEveryWrittenBackEntryOfTheWindow() {
		Quota quota = Quota.of(10, Duration.ofMinutes(1));
		this.limiter.writeBack(new LocalAdmissions.Batch("acme", quota, new long[] { seconds(50), seconds(1) },
				new long[] { 8, 8 }));
		StringRedisTemplate redis = new StringRedisTemplate(connectionFactory);
		assertThat(redis.opsForZSet().zCard(this.limiter.key("acme", quota))).isEqualTo(16);
		// the window is full until the eight of 50 s ago have left it, as if all 16 were kept
		assertThat(this.limiter.tryAcquire("acme", List.of(quota)).retryAfter())
			.isBetween(Duration.ofSeconds(9), Duration.ofSeconds(10));
	}

	@Test
	void writtenBackAdmissionsOfAShardedQuotaAreSpreadOverItsShards() {
		Quota quota = Quota.of(10, Duration.ofMinutes(1)).withShards(2);
		this.limiter.writeBack(new LocalAdmissions.Batch("acme", quota, new long[] { seconds(1) }, new long[] { 6 }));
		assertThat(this.limiter.usage("acme", List.of(quota)).get(0).used()).isEqualTo(6);
		assertThat(admitted(quota, 10)).isEqualTo(4);
	}

	@Test
	void aDecisionRedisRunsAfterItsDeadlineRecordsNothing() throws Exception {
		try (PrivateRedisServer server = PrivateRedisServer.start()) {
			LettuceConnectionFactory factory = TestRedis.connect(server.port());
			try {
				RedisSlidingWindowRateLimiter limiter = new RedisSlidingWindowRateLimiter(factory, this.prefix,
						Duration.ofMillis(200), AlgorithmSettings.DEFAULTS);
				Quota quota = Quota.of(10, Duration.ofMinutes(1));
				assertThat(limiter.tryAcquire("acme", List.of(quota)).allowed()).isTrue();
				server.command("CLIENT PAUSE 1000 ALL");
				assertThatExceptionOfType(RateLimiterUnavailableException.class)
					.isThrownBy(() -> limiter.tryAcquire("acme", List.of(quota)))
					.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(RateLimiterUnavailableException.Reason.LATE));
				Thread.sleep(1200);
				// the paused call ran after the pause, past its deadline: only the first request counts
				assertThat(limiter.usage("acme", List.of(quota)).get(0).used()).isEqualTo(1);
			}
			finally {
				factory.destroy();
			}
		}
	}

	private int admitted(Quota quota, int requests) {
		int admitted = 0;
		for (int i = 0; i < requests; i++) {
			admitted += this.limiter.tryAcquire("acme", List.of(quota)).allowed() ? 1 : 0;
		}
		return admitted;
	}

	private static long seconds(long seconds) {
		return Duration.ofSeconds(seconds).toNanos();
	}

}
