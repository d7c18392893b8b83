package dev.tenantlimit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.tenantlimit.lease.Reservation;
import dev.tenantlimit.limiter.RateLimitDecision;
import dev.tenantlimit.quota.Algorithm;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.testapp.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations.TypedTuple;

import static org.assertj.core.api.Assertions.assertThat;

/** Leases in sliding_window.lua and return_permits.lua, against the real Redis. */
class RedisPermitReservationIntegrationTests {

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

	@Test
	void reservedEntriesAreScoredAtTheLeaseEndAndTheRequestsOwnNow() {
		Quota quota = Quota.of(1000, Duration.ofMinutes(1));
		Reservation reservation = this.limiter.reserve("acme", List.of(quota), 10, LEASE, true);
		assertThat(reservation.granted()).isEqualTo(10);
		assertThat(reservation.decision().allowed()).isTrue();
		assertThat(reservation.decision().usages().get(0).used()).isEqualTo(10);
		Set<TypedTuple<String>> entries = redis.opsForZSet().rangeWithScores(this.limiter.key("acme", quota), 0, -1);
		List<Long> scores = entries.stream().map((entry) -> entry.getScore().longValue()).toList();
		long end = reservation.endMicros();
		assertThat(scores).hasSize(10).containsOnlyOnce(end - LEASE.toNanos() / 1000).filteredOn((s) -> s == end).hasSize(9);
		// kept for one window after the lease's end, not after the call
		assertThat(redis.getExpire(this.limiter.key("acme", quota), TimeUnit.MILLISECONDS))
			.isGreaterThan(Duration.ofMinutes(1).plus(LEASE).toMillis());
	}

	@Test
	void reservedPermitsStayCountedOneWindowAfterTheLeaseEndNotAfterTheCall() throws InterruptedException {
		Quota quota = Quota.of(100, Duration.ofSeconds(1));
		Duration lease = Duration.ofMillis(400);
		assertThat(this.limiter.reserve("acme", List.of(quota), 20, lease, false).granted()).isEqualTo(20);
		// a permit may be used up to 400 ms after the call: one window after the call is too early
		Thread.sleep(1150);
		assertThat(this.limiter.usage("acme", List.of(quota)).get(0).used()).isEqualTo(20);
		Thread.sleep(400);
		assertThat(this.limiter.usage("acme", List.of(quota)).get(0).used()).isZero();
	}

	@Test
	void aLeaseShrinksNearTheLimitToOnePermit() {
		Quota quota = Quota.of(100, Duration.ofMinutes(1));
		List<Integer> granted = new ArrayList<>();
		int total = 0;
		while (total < 100) {
			int permits = this.limiter.reserve("acme", List.of(quota), 1000, LEASE, true).granted();
			granted.add(permits);
			total += permits;
		}
		// a quarter of what is left each time, then one at a time
		assertThat(granted).startsWith(25, 18, 14, 10, 8, 6).endsWith(1, 1, 1, 1);
		assertThat(total).isEqualTo(100);
		Reservation refused = this.limiter.reserve("acme", List.of(quota), 1000, LEASE, false);
		assertThat(refused.granted()).isZero();
		assertThat(refused.decision().allowed()).isFalse();
		assertThat(refused.decision().retryAfter()).isPositive();
	}

	@Test
	void aBatchFetchedAheadGetsNothingWhenLessThanFourPermitsAreLeft() {
		Quota quota = Quota.of(10, Duration.ofMinutes(1));
		for (int i = 0; i < 7; i++) {
			this.limiter.tryAcquire("acme", List.of(quota));
		}
		assertThat(this.limiter.reserve("acme", List.of(quota), 50, LEASE, false).granted()).isZero();
		assertThat(this.limiter.reserve("acme", List.of(quota), 50, LEASE, true).granted()).isOne();
	}

	@Test
	void aReservationIsAllOrNothingAcrossQuotasAndSizedByTheFullest() {
		Quota roomy = Quota.of(1000, Duration.ofMinutes(1));
		Quota tight = new Quota(null, 8, Duration.ofMinutes(1), "/reports/**", Set.of());
		Reservation reservation = this.limiter.reserve("acme", List.of(roomy, tight), 50, LEASE, false);
		assertThat(reservation.granted()).isEqualTo(2);
		assertThat(redis.opsForZSet().size(this.limiter.key("acme", roomy))).isEqualTo(2);
		assertThat(redis.opsForZSet().size(this.limiter.key("acme", tight))).isEqualTo(2);
	}

	@Test
	void unusedPermitsOfTheLogGoBack() {
		Quota quota = Quota.of(100, Duration.ofMinutes(1));
		Reservation reservation = this.limiter.reserve("acme", List.of(quota), 20, LEASE, false);
		assertThat(reservation.granted()).isEqualTo(20);
		this.limiter.release("acme", List.of(quota), reservation, 5, 15);
		assertThat(redis.opsForZSet().size(this.limiter.key("acme", quota))).isEqualTo(5);
		assertThat(this.limiter.usage("acme", List.of(quota)).get(0).used()).isEqualTo(5);
	}

	@Test
	void theSlidingCounterCountsALeaseInTheSubWindowOfItsEndAndTakesItBack() {
		Quota quota = Quota.of(1000, Duration.ofSeconds(10)).withAlgorithm(Algorithm.SLIDING_COUNTER, 0);
		Reservation reservation = this.limiter.reserve("acme", List.of(quota), 40, Duration.ofSeconds(2), true);
		assertThat(reservation.granted()).isEqualTo(40);
		String key = this.limiter.key("acme", quota);
		// 10 s in 10 sub-windows of 1 s: the request's permit now, 39 two seconds on
		long nowSub = (reservation.endMicros() - 2_000_000) / 1_000_000;
		assertThat(redis.<String, String>opsForHash().get(key, Long.toString(nowSub))).isEqualTo("1");
		assertThat(redis.<String, String>opsForHash().get(key, Long.toString(nowSub + 2))).isEqualTo("39");
		assertThat(this.limiter.usage("acme", List.of(quota)).get(0).used()).isEqualTo(40);
		this.limiter.release("acme", List.of(quota), reservation, 30, 10);
		assertThat(redis.<String, String>opsForHash().get(key, Long.toString(nowSub + 2))).isEqualTo("29");
	}

	@Test
	void theTokenBucketHoldsALeasesTokensPendingUntilItsEndAndAfterItTakesBackWhatHasNotRefilled()
			throws InterruptedException {
		Quota quota = Quota.of(10, Duration.ofSeconds(1)).withAlgorithm(Algorithm.TOKEN_BUCKET, 100);
		Reservation reservation = this.limiter.reserve("acme", List.of(quota), 40, LEASE, false);
		assertThat(reservation.granted()).isEqualTo(25);
		String key = this.limiter.key("acme", quota);
		String end = Long.toString(reservation.endMicros());
		// the 25 units are pending at the lease's end; the level counts them already
		assertThat(redis.<String, String>opsForHash().get(key, end)).isEqualTo("25");
		assertThat(tokens(key)).isEqualTo(75.0);
		this.limiter.release("acme", List.of(quota), reservation, 20, 5);
		assertThat(redis.<String, String>opsForHash().get(key, end)).isEqualTo("20");
		assertThat(tokens(key)).isEqualTo(80.0);
		// a decision after the lease's end makes its units part of the refilling debt (nothing was
		// ahead of them: they refill from the end on, 10 a second), and keeps them returnable
		Thread.sleep(LEASE.toMillis() + 50);
		assertThat(this.limiter.tryAcquire("acme", List.of(quota)).allowed()).isTrue();
		assertThat(redis.<String, String>opsForHash().hasKey(key, end)).isFalse();
		assertThat(redis.<String, String>opsForHash().get(key, "-" + end)).startsWith("20.");
		double tokens = tokens(key);
		// what has not refilled yet comes back: 20 less the one or two refilled since the end
		this.limiter.release("acme", List.of(quota), reservation, 0, 20);
		assertThat(tokens(key) - tokens).isBetween(17.0, 19.0);
		double after = tokens(key);
		this.limiter.release("acme", List.of(quota), reservation, 0, 20);
		assertThat(tokens(key) - after).as("nothing left to give back").isLessThanOrEqualTo(1.0);
	}

	/**
	 * Lease debt given back after its end comes off only what of it has not refilled: the debt
	 * refills oldest first, so permits taken since the end are behind it. Giving the whole lease
	 * back would forget them and let a bucketful through on top of them.
	 */
	@Test
	void leaseDebtGivenBackAfterItsEndNeverForgetsWhatWasTakenSince() throws InterruptedException {
		// 10 a second, a bucket of 100: a lease takes 25 of it; nothing is ahead of them, so they
		// refill from the lease's end on, and 600 ms after it 6 have; then requests take the rest
		Quota quota = Quota.of(10, Duration.ofSeconds(1)).withAlgorithm(Algorithm.TOKEN_BUCKET, 100);
		Reservation reservation = this.limiter.reserve("acme", List.of(quota), 25, LEASE, false);
		assertThat(reservation.granted()).isEqualTo(25);
		Thread.sleep(LEASE.toMillis() + 600);
		assertThat(admitted(quota, 120)).isBetween(80, 82);
		// none of the lease was used: it all goes back, but only the ~18 still owed come off
		// (all 25 would forget the requests just admitted; none would keep the 18 from anyone)
		this.limiter.release("acme", List.of(quota), reservation, 0, 25);
		assertThat(admitted(quota, 40)).isBetween(16, 20);
	}

	private int admitted(Quota quota, int requests) {
		int admitted = 0;
		for (int i = 0; i < requests; i++) {
			if (this.limiter.tryAcquire("acme", List.of(quota)).allowed()) {
				admitted++;
			}
		}
		return admitted;
	}

	/**
	 * Leases fetched more often than they last, as a hot tenant's are (the next one is asked for
	 * when half of the current one is used): each costs the bucket its own tokens and nothing of
	 * the refill. With the whole bucket frozen until the newest lease's end, a tenant at half the
	 * rate was refused after the first bucketful (85 % of its requests through the leases).
	 */
	@Test
	void backToBackLeasesKeepTheBucketsRate() throws InterruptedException {
		// 1,000 a second, a bucket of 200; leases of 100 ms asked for every 10 ms, 5 permits each
		// (500 a second): 750 in 1.5 s, well over the bucket, all within the rate
		Quota quota = Quota.of(1000, Duration.ofSeconds(1)).withAlgorithm(Algorithm.TOKEN_BUCKET, 200);
		int granted = 0;
		for (int i = 0; i < 150; i++) {
			granted += this.limiter.reserve("acme", List.of(quota), 5, LEASE, true).granted();
			Thread.sleep(10);
		}
		assertThat(granted).isEqualTo(750);
	}

	/**
	 * A lease's permits may all be used at its end: their tokens must not refill before it, or a
	 * burst then plus the lease would be more than the bucket holds.
	 */
	@Test
	void aLeasesTokensDoNotRefillBeforeItsEnd() throws InterruptedException {
		Quota quota = Quota.of(100, Duration.ofSeconds(1)).withAlgorithm(Algorithm.TOKEN_BUCKET, 100);
		assertThat(this.limiter.reserve("acme", List.of(quota), 25, Duration.ofSeconds(1), false).granted())
			.isEqualTo(25);
		// 300 ms would refill 30 tokens: none of the 25 pending ones come back before 1 s
		Thread.sleep(300);
		int burst = 0;
		while (this.limiter.tryAcquire("acme", List.of(quota)).allowed()) {
			burst++;
		}
		// 75, and what the burst's own tokens refilled while it ran (100 a second; 100 and more
		// with the lease's tokens refilled)
		assertThat(burst).isBetween(75, 90);
	}

	@Test
	void aTokenBucketSaysWhenItIsFullAgainWithALeasePending() {
		// one token a second, a bucket of 40
		Quota quota = Quota.of(10, Duration.ofSeconds(10)).withAlgorithm(Algorithm.TOKEN_BUCKET, 40);
		assertThat(this.limiter.reserve("acme", List.of(quota), 10, Duration.ofSeconds(2), false).granted())
			.isEqualTo(10);
		RateLimitDecision one = this.limiter.tryAcquire("acme", List.of(quota));
		// the one token taken now is back after 1 s; the 10 pending ones refill from 2 s on: 12 s
		// (11 s if they refilled from now, 13 s with the whole bucket waiting for the lease's end)
		assertThat(one.usages().get(0).resetAfter()).isBetween(Duration.ofMillis(11_900), Duration.ofSeconds(12));
		RateLimitDecision refused = one;
		for (int i = 0; i < 40 && refused.allowed(); i++) {
			refused = this.limiter.tryAcquire("acme", List.of(quota));
		}
		assertThat(refused.allowed()).isFalse();
		assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1));
		assertThat(refused.usages().get(0).resetAfter()).isBetween(Duration.ofSeconds(38), Duration.ofSeconds(40));
	}

	/**
	 * A bucket an earlier version wrote (its time at its last lease's end, fractional tokens) is
	 * read as pending until then, and the next decision still records.
	 */
	@Test
	void aBucketOfTheEarlierLayoutIsPendingUntilItsTime() {
		Quota quota = Quota.of(10, Duration.ofSeconds(10)).withAlgorithm(Algorithm.TOKEN_BUCKET, 40);
		String key = this.limiter.key("acme", quota);
		String until = Long.toString(redisMicros() + 2_000_000);
		redis.opsForHash().putAll(key, Map.of("tokens", "37.5", "ts", until));
		RateLimitDecision decision = this.limiter.tryAcquire("acme", List.of(quota));
		assertThat(decision.allowed()).isTrue();
		// 2.5 tokens frozen until `until`, 3 in whole units; the one taken now refills from now
		assertThat(redis.<String, String>opsForHash().get(key, until)).isEqualTo("3");
		assertThat(decision.usages().get(0).resetAfter()).isBetween(Duration.ofMillis(4_900), Duration.ofSeconds(5));
		assertThat(redis.getExpire(key)).isPositive();
	}

	private static long redisMicros() {
		return redis.execute((RedisCallback<Long>) (connection) -> connection.serverCommands().time(TimeUnit.MICROSECONDS));
	}

	private static double tokens(String key) {
		return Double.parseDouble(redis.<String, String>opsForHash().get(key, "tokens"));
	}

}
