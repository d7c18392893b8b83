package dev.tenantlimit.redis;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.tenantlimit.limiter.QuotaUsage;
import dev.tenantlimit.limiter.RateLimitDecision;
import dev.tenantlimit.quota.Algorithm;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.testapp.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/** charge.lua, and quotas of cost 0 that only charges fill, on the local Redis. */
class RedisChargeIntegrationTests {

	private static LettuceConnectionFactory connectionFactory;

	private static StringRedisTemplate redis;

	private final RedisSlidingWindowRateLimiter limiter = new RedisSlidingWindowRateLimiter(connectionFactory,
			"tl-test-" + UUID.randomUUID() + ":");

	@BeforeAll
	static void connect() {
		connectionFactory = TestRedis.connect(TestRedis.port());
		redis = new StringRedisTemplate(connectionFactory);
	}

	@AfterAll
	static void disconnect() {
		connectionFactory.destroy();
	}

	@ParameterizedTest
	@EnumSource(value = Algorithm.class, names = { "SLIDING_LOG", "SLIDING_COUNTER", "TOKEN_BUCKET" })
	void aChargePastTheLimitRefusesTheNextRequestUntilTheWindowFreesIt(Algorithm algorithm) {
		Quota tokens = Quota.of(100, Duration.ofMinutes(1)).withAlgorithm(algorithm, 0).withCharged(true).withCost(0);
		// a quota of cost 0 admits and records nothing until charges fill it
		for (int i = 0; i < 3; i++) {
			assertThat(this.limiter.tryAcquire("acme", List.of(tokens)).allowed()).isTrue();
		}
		assertThat(this.limiter.usage("acme", List.of(tokens)).get(0).used()).isZero();
		this.limiter.charge("acme", List.of(tokens), 60);
		assertThat(this.limiter.tryAcquire("acme", List.of(tokens)).allowed()).isTrue();
		this.limiter.charge("acme", List.of(tokens), 60);
		RateLimitDecision refused = this.limiter.tryAcquire("acme", List.of(tokens));
		assertThat(refused.allowed()).isFalse();
		// a counter's sub-window holds at most the limit: more would refuse nothing more
		long used = (algorithm == Algorithm.SLIDING_COUNTER) ? 100 : 120;
		assertThat(refused.violated()).singleElement().extracting(QuotaUsage::used, QuotaUsage::remaining)
			.containsExactly(used, 0L);
		// until 21 units have left: the window for the log and the counter, 12.6 s of refill for the bucket
		Duration wait = (algorithm == Algorithm.TOKEN_BUCKET) ? Duration.ofMillis(12_600) : Duration.ofMinutes(1);
		assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(wait.plusSeconds(7));
	}

	@Test
	void aChargeDoesNotCountInAQuotaThatIsNotChargedOfTheSameWindowPathAndMethods() {
		Quota requests = Quota.of(10, Duration.ofMinutes(1));
		Quota tokens = Quota.of(1000, Duration.ofMinutes(1)).withCharged(true).withCost(0);
		assertThat(this.limiter.tryAcquire("acme", List.of(requests, tokens)).allowed()).isTrue();
		this.limiter.charge("acme", List.of(tokens), 500);
		assertThat(this.limiter.usage("acme", List.of(requests, tokens))).extracting(QuotaUsage::used)
			.containsExactly(1L, 500L);
		assertThat(this.limiter.tryAcquire("acme", List.of(requests, tokens)).allowed()).isTrue();
	}

	@ParameterizedTest
	@EnumSource(value = Algorithm.class, names = { "SLIDING_COUNTER", "TOKEN_BUCKET" })
	void theLargestChargesKeepAQuotaFullForAboutOneWindowNotForYears(Algorithm algorithm) {
		Quota tokens = Quota.of(10, Duration.ofMinutes(1)).withAlgorithm(algorithm, 0).withCharged(true);
		for (int i = 0; i < 3; i++) {
			this.limiter.charge("acme", List.of(tokens), RedisSlidingWindowRateLimiter.MAX_CHARGE);
		}
		RateLimitDecision refused = this.limiter.tryAcquire("acme", List.of(tokens));
		assertThat(refused.allowed()).isFalse();
		// a bucket's debt is one window of refill at most: empty again after one window, a token after two
		assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(2).plusSeconds(7));
		assertThat(refused.violated()).singleElement()
			.satisfies((usage) -> assertThat(usage.used()).isBetween(10L, 20L));
	}

	@Test
	void aLogTakesAtMostItsLimitOfEntriesFromOneCharge() {
		Quota tokens = Quota.of(50, Duration.ofMinutes(1)).withAlgorithm(Algorithm.SLIDING_LOG, 0).withCharged(true);
		this.limiter.charge("acme", List.of(tokens), 1_000_000);
		assertThat(redis.opsForZSet().size(this.limiter.key("acme", tokens))).isEqualTo(50);
		assertThat(this.limiter.tryAcquire("acme", List.of(tokens)).allowed()).isFalse();
	}

	@Test
	void aChargeCountsInEveryChargedQuotaOfTheRequestInOneCall() {
		Quota perMinute = Quota.of(100, Duration.ofMinutes(1)).withCharged(true);
		Quota perDay = Quota.of(100_000, Duration.ofDays(1)).withCharged(true);
		this.limiter.charge("acme", List.of(perMinute, perDay), 30);
		assertThat(this.limiter.usage("acme", List.of(perMinute, perDay))).extracting(QuotaUsage::used)
			.containsExactly(30L, 30L);
		// the key lives a window after the charge
		assertThat(redis.getExpire(this.limiter.key("acme", perDay), java.util.concurrent.TimeUnit.SECONDS))
			.isGreaterThan(Duration.ofDays(1).toSeconds() - 5);
	}

}
