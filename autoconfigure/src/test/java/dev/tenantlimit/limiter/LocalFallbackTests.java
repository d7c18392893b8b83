package dev.tenantlimit.limiter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import dev.tenantlimit.quota.Quota;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LocalFallbackTests {

	private final AtomicLong now = new AtomicLong(5_000_000_000L);

	private final SharedCounts counts = new SharedCounts();

	private final LocalAdmissions admissions = new LocalAdmissions();

	private final Quota hundredPerMinute = Quota.of(100, Duration.ofMinutes(1));

	private LocalFallback fallback(int instances) {
		return new LocalFallback(new LocalSlidingWindowRateLimiter(this.now::get), this.counts, this.admissions,
				() -> instances, this.now::get);
	}

	@Test
	void admitsItsShareOfWhatRedisLastSaidRemainedUntilThoseCountsLeaveTheWindow() {
		// Redis said 60 used, 40 remaining; the newest of them stays counted for 50 more seconds
		this.counts.remember("acme", decision(60, Duration.ofSeconds(50)), this.now.get());
		LocalFallback fallback = fallback(2);
		assertThat(admitted(fallback, 100)).isEqualTo(20);
		this.now.addAndGet(Duration.ofSeconds(51).toNanos());
		// what Redis had counted has left the window: the share of the full limit, less what this
		// instance admitted within the last minute
		assertThat(admitted(fallback, 100)).isEqualTo(50 - 20);
	}

	@Test
	void withoutWhatRedisSaidAdmitsItsShareOfTheFullLimit() {
		assertThat(admitted(fallback(3), 100)).isEqualTo(33);
	}

	@Test
	void sharesOfInstancesThatJustHeardAddUpToWhatRemained() {
		// Hermite: floor(r/3) + floor((r+1)/3) + floor((r+2)/3) = r
		int admitted = 0;
		for (int i = 0; i < 3; i++) {
			SharedCounts seen = new SharedCounts();
			seen.remember("acme", decision(100 - (41 + i), Duration.ofSeconds(50)), this.now.get());
			LocalFallback instance = new LocalFallback(new LocalSlidingWindowRateLimiter(this.now::get), seen,
					new LocalAdmissions(), () -> 3, this.now::get);
			admitted += admitted(instance, 100);
		}
		assertThat(admitted).isEqualTo(41);
	}

	@Test
	void aRefusalByAnotherQuotaGivesTheAllowanceBack() {
		Quota twoPerMinute = new Quota(null, 2, Duration.ofMinutes(1), "/**", Set.of("POST"));
		this.counts.remember("acme", decision(90, Duration.ofSeconds(50)), this.now.get());
		LocalFallback fallback = fallback(1);
		List<Quota> both = List.of(this.hundredPerMinute, twoPerMinute);
		for (int i = 0; i < 5; i++) {
			fallback.tryAcquire("acme", both);
		}
		// two admitted under both, the refused three did not use up the 10 that remained
		assertThat(admitted(fallback, 100)).isEqualTo(8);
	}

	@Test
	void aShadowQuotaIsCountedButNeverRefuses() {
		Quota shadow = new Quota(null, 100, Duration.ofMinutes(1), "/**", Set.of(), true);
		this.counts.remember("acme", new RateLimitDecision(true, List.of(new QuotaUsage(shadow, 100, Duration.ofSeconds(50),
				true)), Duration.ZERO), this.now.get());
		LocalFallback fallback = fallback(1);
		for (int i = 0; i < 150; i++) {
			assertThat(fallback.tryAcquire("acme", List.of(shadow)).allowed()).isTrue();
		}
	}

	@Test
	void recordsWhatItAdmittedForTheWriteBack() {
		LocalFallback fallback = fallback(1);
		admitted(fallback, 3);
		List<LocalAdmissions.Batch> batches = this.admissions.drain(this.now.get());
		assertThat(batches).singleElement().satisfies((batch) -> {
			assertThat(batch.tenantId()).isEqualTo("acme");
			assertThat(batch.quota()).isEqualTo(this.hundredPerMinute);
			assertThat(batch.total()).isEqualTo(3);
		});
		assertThat(this.admissions.drain(this.now.get())).isEmpty();
	}

	@Test
	void anExpiredAllowanceIsTakenAgainFromWhatWasSeenSince() {
		this.counts.remember("acme", decision(60, Duration.ofSeconds(50)), this.now.get());
		LocalFallback fallback = fallback(2);
		assertThat(admitted(fallback, 100)).isEqualTo(20);
		fallback.wroteBack(this.admissions.drain(this.now.get()).get(0));
		// written back, but the allowance stands until what it was taken from has left the window
		assertThat(admitted(fallback, 100)).isZero();
		this.now.addAndGet(Duration.ofSeconds(51).toNanos());
		this.counts.remember("acme", decision(90, Duration.ofSeconds(50)), this.now.get());
		assertThat(admitted(fallback, 100)).isEqualTo(5);
	}

	@Test
	void startingAfreshTakesTheNextAllowanceFromWhatIsSeenThenButKeepsTheWindow() {
		this.counts.remember("acme", decision(0, Duration.ofSeconds(50)), this.now.get());
		LocalFallback fallback = fallback(2);
		assertThat(admitted(fallback, 40)).isEqualTo(40);
		fallback.startAfresh();
		this.counts.remember("acme", decision(40, Duration.ofSeconds(50)), this.now.get());
		// 30 of the 60 that remain, but this instance's share of the minute is 50 and 40 are used
		assertThat(admitted(fallback, 100)).isEqualTo(10);
	}

	@Test
	void aCostlyRequestTakesItsCostFromTheAllowanceAndTheShare() {
		Quota costly = this.hundredPerMinute.withCost(7);
		// Redis said 60 of 100 units used: two instances may admit 20 units each, two requests of 7
		this.counts.remember("acme", new RateLimitDecision(true,
				List.of(new QuotaUsage(costly, 60, Duration.ofSeconds(50), false)), Duration.ZERO), this.now.get());
		LocalFallback fallback = fallback(2);
		int admitted = 0;
		for (int i = 0; i < 10; i++) {
			admitted += fallback.tryAcquire("acme", List.of(costly)).allowed() ? 1 : 0;
		}
		assertThat(admitted).isEqualTo(2);
		assertThat(this.admissions.drain(this.now.get())).singleElement()
			.satisfies((batch) -> assertThat(batch.total()).as("units written back").isEqualTo(14));
	}

	private int admitted(LocalFallback fallback, int requests) {
		int admitted = 0;
		for (int i = 0; i < requests; i++) {
			RateLimitDecision decision = fallback.tryAcquire("acme", List.of(this.hundredPerMinute));
			assertThat(decision.fallback()).isTrue();
			admitted += decision.allowed() ? 1 : 0;
		}
		return admitted;
	}

	private RateLimitDecision decision(long used, Duration resetAfter) {
		List<QuotaUsage> usages = new ArrayList<>();
		usages.add(new QuotaUsage(this.hundredPerMinute, used, resetAfter, false));
		return new RateLimitDecision(true, usages, Duration.ZERO);
	}

}
