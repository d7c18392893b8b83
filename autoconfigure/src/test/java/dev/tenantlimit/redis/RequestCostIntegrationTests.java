package dev.tenantlimit.redis;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.tenantlimit.lease.Reservation;
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

/** A quota's cost per request in sliding_window.lua and return_permits.lua, on the local Redis. */
class RequestCostIntegrationTests {

	private static final Duration LEASE = Duration.ofMillis(100);

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
	void aCostOfFiveOnALimitOfTenAdmitsTwoRequests(Algorithm algorithm) {
		Quota quota = Quota.of(10, Duration.ofMinutes(1)).withAlgorithm(algorithm, 0).withCost(5);
		assertThat(this.limiter.tryAcquire("acme", List.of(quota)).usages()).singleElement()
			.satisfies((usage) -> assertThat(usage.remaining()).isEqualTo(5));
		assertThat(this.limiter.tryAcquire("acme", List.of(quota)).allowed()).isTrue();
		RateLimitDecision third = this.limiter.tryAcquire("acme", List.of(quota));
		assertThat(third.allowed()).isFalse();
		assertThat(third.violated()).singleElement().extracting(QuotaUsage::used).isEqualTo(10L);
		// five units must free up: a token bucket refills them in 30 s (10 a minute); the log waits a
		// window; the counter until the 10 weigh 5: half a sub-window (6 s) into the next window
		Duration expected = switch (algorithm) {
			case TOKEN_BUCKET -> Duration.ofSeconds(30);
			case SLIDING_COUNTER -> Duration.ofSeconds(63);
			default -> Duration.ofMinutes(1);
		};
		Duration slack = (algorithm == Algorithm.SLIDING_COUNTER) ? Duration.ofSeconds(6) : Duration.ofSeconds(2);
		assertThat(third.retryAfter()).isPositive()
			.isLessThanOrEqualTo(expected)
			.isGreaterThan(expected.minus(slack));
	}

	@ParameterizedTest
	@EnumSource(value = Algorithm.class, names = { "SLIDING_LOG", "SLIDING_COUNTER", "TOKEN_BUCKET" })
	void aRequestThatCostsMoreThanWhatIsLeftIsRefusedWhileACheaperOneFits(Algorithm algorithm) {
		Quota expensive = Quota.of(10, Duration.ofMinutes(1)).withAlgorithm(algorithm, 0).withCost(4);
		Quota cheap = expensive.withCost(1);
		assertThat(this.limiter.tryAcquire("acme", List.of(expensive)).allowed()).isTrue();
		assertThat(this.limiter.tryAcquire("acme", List.of(expensive)).allowed()).isTrue();
		// 8 of 10 used: 4 more do not fit, 1 does (both count the same units: same counter)
		assertThat(this.limiter.tryAcquire("acme", List.of(expensive)).allowed()).isFalse();
		assertThat(this.limiter.tryAcquire("acme", List.of(cheap)).allowed()).isTrue();
		assertThat(this.limiter.usage("acme", List.of(cheap)).get(0).used()).isEqualTo(9);
	}

	@Test
	void aCostOfThousandsOfEntriesIsWrittenToALogInChunks() {
		// 10,000 entries a request: more than Lua unpacks at once
		Quota quota = Quota.of(20_000, Duration.ofMinutes(1)).withAlgorithm(Algorithm.SLIDING_LOG, 0).withCost(10_000);
		assertThat(this.limiter.tryAcquire("acme", List.of(quota)).allowed()).isTrue();
		assertThat(this.limiter.tryAcquire("acme", List.of(quota)).allowed()).isTrue();
		assertThat(this.limiter.tryAcquire("acme", List.of(quota)).allowed()).isFalse();
		assertThat(redis.opsForZSet().size(this.limiter.key("acme", quota))).isEqualTo(20_000);
		Reservation reservation = this.limiter.reserve("big", List.of(quota), 2, LEASE, true);
		assertThat(reservation.granted()).isOne();
		Quota cheaper = quota.withCost(5_000);
		Reservation lease = this.limiter.reserve("bigger", List.of(cheaper), 4, LEASE, false);
		this.limiter.release("bigger", List.of(cheaper), lease, 0, lease.granted());
		assertThat(this.limiter.usage("bigger", List.of(cheaper)).get(0).used()).isZero();
	}

	@Test
	void costsAreAllOrNothingAcrossARequestsQuotas() {
		Quota reports = new Quota(null, 10, Duration.ofMinutes(1), "/reports/**", Set.of()).withCost(5);
		Quota everything = Quota.of(100, Duration.ofMinutes(1));
		for (int i = 0; i < 2; i++) {
			assertThat(this.limiter.tryAcquire("acme", List.of(reports, everything)).allowed()).isTrue();
		}
		RateLimitDecision refused = this.limiter.tryAcquire("acme", List.of(reports, everything));
		assertThat(refused.allowed()).isFalse();
		assertThat(this.limiter.usage("acme", List.of(reports, everything))).extracting(QuotaUsage::used)
			.containsExactly(10L, 2L);
	}

	@Test
	void aLeaseCountsEachPermitsCostAndGivesBackTheUnusedUnits() {
		Quota quota = Quota.of(1000, Duration.ofMinutes(1)).withCost(3);
		Reservation reservation = this.limiter.reserve("acme", List.of(quota), 10, LEASE, true);
		assertThat(reservation.granted()).isEqualTo(10);
		assertThat(redis.opsForZSet().size(this.limiter.key("acme", quota))).isEqualTo(30);
		assertThat(reservation.decision().usages().get(0).used()).isEqualTo(30);
		// permits 0..3 used, 4..9 unused: 18 units go back
		this.limiter.release("acme", List.of(quota), reservation, 4, 6);
		assertThat(this.limiter.usage("acme", List.of(quota)).get(0).used()).isEqualTo(12);
	}

	@ParameterizedTest
	@EnumSource(value = Algorithm.class, names = { "SLIDING_COUNTER", "TOKEN_BUCKET" })
	void hashAlgorithmsGiveBackTheUnusedUnitsOfALease(Algorithm algorithm) {
		Quota quota = Quota.of(1000, Duration.ofMinutes(1)).withAlgorithm(algorithm, 0).withCost(3);
		Reservation reservation = this.limiter.reserve("acme", List.of(quota), 10, LEASE, true);
		assertThat(reservation.decision().usages().get(0).used()).isEqualTo(30);
		this.limiter.release("acme", List.of(quota), reservation, 4, 6);
		// 12, and for a bucket up to two more: it refills only from the lease's end, 100 ms ahead
		assertThat(this.limiter.usage("acme", List.of(quota)).get(0).used()).isBetween(12L, 14L);
	}

	@Test
	void aLeaseNearTheLimitShrinksToTheRequestsThatStillFit() {
		Quota quota = Quota.of(100, Duration.ofMinutes(1)).withCost(10);
		int total = 0;
		int calls = 0;
		while (total < 10) {
			int granted = this.limiter.reserve("acme", List.of(quota), 1000, LEASE, true).granted();
			assertThat(granted).isPositive();
			total += granted;
			calls++;
		}
		assertThat(total).isEqualTo(10);
		assertThat(calls).isGreaterThan(1);
		assertThat(this.limiter.reserve("acme", List.of(quota), 1000, LEASE, true).granted()).isZero();
	}

}
