package dev.tenantlimit.limiter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import dev.tenantlimit.quota.Algorithm;
import dev.tenantlimit.quota.AlgorithmSettings;
import dev.tenantlimit.quota.Quota;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The approximate algorithms against the exact sliding log on the same traffic, on a clock the
 * test moves. The same rules run in Redis (sliding_window.lua); RedisAlgorithmsIntegrationTests
 * checks the script against them on Redis's own clock.
 */
class AlgorithmAccuracyTests {

	private static final Duration MINUTE = Duration.ofMinutes(1);

	private static final long LIMIT = 1000;

	private static final int SUB_WINDOWS = 10;

	private final AtomicLong now = new AtomicLong(1_000_000_000_000L);

	private final LocalSlidingWindowRateLimiter limiter = new LocalSlidingWindowRateLimiter(
			new AlgorithmSettings(LIMIT, SUB_WINDOWS), this.now::get);

	private final Quota log = Quota.of(LIMIT, MINUTE).withAlgorithm(Algorithm.SLIDING_LOG, 0);

	private final Quota counter = Quota.of(LIMIT, MINUTE).withAlgorithm(Algorithm.SLIDING_COUNTER, 0);

	@Test
	void slidingCounterUnderSteadyOverloadStaysWithinOneSubWindowOfTheLimit() {
		// Poisson arrivals at twice the limit for an hour: both algorithms see every request
		Random random = new Random(42);
		double meanGapNanos = MINUTE.toNanos() / (2.0 * LIMIT);
		List<Long> exact = new ArrayList<>();
		List<Long> approximate = new ArrayList<>();
		long end = this.now.get() + Duration.ofHours(1).toNanos();
		while (this.now.get() < end) {
			this.now.addAndGet((long) (-Math.log(1 - random.nextDouble()) * meanGapNanos) + 1);
			if (this.limiter.tryAcquire("exact", List.of(this.log)).allowed()) {
				exact.add(this.now.get());
			}
			if (this.limiter.tryAcquire("approximate", List.of(this.counter)).allowed()) {
				approximate.add(this.now.get());
			}
		}
		assertThat(maxInAnyWindow(exact)).isEqualTo(LIMIT);
		// the bound for traffic spread over the window: the limit plus a tenth (one sub-window)
		assertThat(maxInAnyWindow(approximate)).isGreaterThan(LIMIT).isLessThanOrEqualTo(LIMIT + LIMIT / SUB_WINDOWS);
		// over the hour it admits within 1 % of the exact log
		assertThat((double) approximate.size() / exact.size()).isBetween(0.99, 1.01);
	}

	@Test
	void slidingCounterNeverExceedsTheLimitPlusWhatOneSubWindowAdmitted() {
		// the worst case: the whole limit at the very end of a sub-window, then a steady flood
		long sub = MINUTE.toNanos() / SUB_WINDOWS;
		this.now.set((this.now.get() / sub + 1) * sub - 1000);
		List<Long> admitted = new ArrayList<>();
		for (int i = 0; i < 2 * LIMIT; i++) {
			if (this.limiter.tryAcquire("acme", List.of(this.counter)).allowed()) {
				admitted.add(this.now.get());
			}
		}
		assertThat(admitted).hasSize((int) LIMIT);
		for (int i = 0; i < 200_000; i++) {
			this.now.addAndGet(MINUTE.toNanos() / 20_000);
			if (this.limiter.tryAcquire("acme", List.of(this.counter)).allowed()) {
				admitted.add(this.now.get());
			}
		}
		// the weighting assumes the oldest sub-window's requests were spread over it; these all came
		// at its end, so one window sees nearly all of them again: the bound, twice the limit, is tight
		assertThat(maxInAnyWindow(admitted)).isGreaterThan(LIMIT + LIMIT / 2).isLessThanOrEqualTo(2 * LIMIT);
		// but only once: over the 10 minutes that followed, no more than the limit per window
		long tenMinutes = Duration.ofMinutes(10).toNanos();
		long last = admitted.get(admitted.size() - 1);
		assertThat(admitted.stream().filter((t) -> t > last - tenMinutes).count()).isLessThanOrEqualTo(11 * LIMIT);
	}

	@Test
	void slidingCounterRetryAfterIsWhenTheNextRequestIsAdmitted() {
		Random random = new Random(7);
		for (int i = 0; i < 5000; i++) {
			// about twice the limit
			this.now.addAndGet((long) (random.nextDouble() * MINUTE.toNanos() / LIMIT));
			this.limiter.tryAcquire("acme", List.of(this.counter));
		}
		RateLimitDecision refused = this.limiter.tryAcquire("acme", List.of(this.counter));
		assertThat(refused.allowed()).isFalse();
		long retry = refused.retryAfter().toNanos();
		this.now.addAndGet(retry - 1000);
		assertThat(this.limiter.tryAcquire("acme", List.of(this.counter)).allowed()).isFalse();
		this.now.addAndGet(1000);
		assertThat(this.limiter.tryAcquire("acme", List.of(this.counter)).allowed()).isTrue();
	}

	@Test
	void tokenBucketAdmitsTheBurstThenTheRefillRate() {
		Quota bucket = Quota.of(60, MINUTE).withAlgorithm(Algorithm.TOKEN_BUCKET, 10);
		int burst = 0;
		while (this.limiter.tryAcquire("acme", List.of(bucket)).allowed()) {
			burst++;
		}
		assertThat(burst).isEqualTo(10);
		RateLimitDecision refused = this.limiter.tryAcquire("acme", List.of(bucket));
		assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(1));
		assertThat(refused.violated()).singleElement().satisfies((usage) -> {
			assertThat(usage.remaining()).isZero();
			assertThat(usage.resetAfter()).isEqualTo(Duration.ofSeconds(10));
		});
		// then one a second: over ten minutes of requests every 100 ms, 600 more
		int admitted = 0;
		for (int i = 0; i < 6000; i++) {
			this.now.addAndGet(Duration.ofMillis(100).toNanos());
			if (this.limiter.tryAcquire("acme", List.of(bucket)).allowed()) {
				admitted++;
			}
		}
		assertThat(admitted).isEqualTo(600);
		// idle for a while: full again, but never more than the burst
		this.now.addAndGet(Duration.ofHours(1).toNanos());
		assertThat(this.limiter.tryAcquire("acme", List.of(bucket)).usages().get(0).remaining()).isEqualTo(9);
	}

	/** Most admissions in any interval (t - window, t]. */
	private static long maxInAnyWindow(List<Long> admitted) {
		long max = 0;
		int first = 0;
		for (int last = 0; last < admitted.size(); last++) {
			while (admitted.get(first) <= admitted.get(last) - MINUTE.toNanos()) {
				first++;
			}
			max = Math.max(max, last - first + 1);
		}
		return max;
	}

}
