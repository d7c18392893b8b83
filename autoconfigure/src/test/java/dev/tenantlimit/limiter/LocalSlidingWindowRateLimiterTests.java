package dev.tenantlimit.limiter;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.tenantlimit.quota.Algorithm;
import dev.tenantlimit.quota.CounterDimensions;
import dev.tenantlimit.quota.Quota;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LocalSlidingWindowRateLimiterTests {

	private final AtomicLong now = new AtomicLong(1_000_000_000L);

	private final LocalSlidingWindowRateLimiter limiter = new LocalSlidingWindowRateLimiter(this.now::get);

	private final Quota threePer10s = Quota.of(3, Duration.ofSeconds(10));

	@Test
	void aTenantWithMoreClientsThanAreRememberedForgetsTheirCountersNotItsOwn() {
		Quota tenantWide = Quota.of(100_000, Duration.ofMinutes(1));
		Quota perClient = Quota.of(1, Duration.ofMinutes(1)).withPer(List.of(CounterDimensions.CLIENT_IP));
		Quota first = perClient.forValues(CounterDimensions.key(List.of("client-0")));
		assertThat(this.limiter.tryAcquire("acme", List.of(tenantWide, first)).allowed()).isTrue();
		assertThat(this.limiter.tryAcquire("acme", List.of(tenantWide, first)).allowed()).isFalse();
		int clients = CounterDimensions.MAX_REMEMBERED_PER_TENANT + 1;
		for (int i = 1; i <= clients; i++) {
			Quota client = perClient.forValues(CounterDimensions.key(List.of("client-" + i)));
			assertThat(this.limiter.tryAcquire("acme", List.of(tenantWide, client)).allowed()).isTrue();
		}
		// the first client's counter was forgotten (it starts afresh); the tenant's still counts everyone
		RateLimitDecision again = this.limiter.tryAcquire("acme", List.of(tenantWide, first));
		assertThat(again.allowed()).isTrue();
		assertThat(again.usages().get(0).used()).isEqualTo(clients + 2L);
	}

	@Test
	void admitsExactlyTheLimitThenRefusesWithRetryAfter() {
		for (int i = 0; i < 3; i++) {
			assertThat(this.limiter.tryAcquire("acme", List.of(this.threePer10s)).allowed()).isTrue();
			advance(Duration.ofSeconds(1));
		}
		RateLimitDecision refused = this.limiter.tryAcquire("acme", List.of(this.threePer10s));
		assertThat(refused.allowed()).isFalse();
		assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(7));
		assertThat(refused.violated()).singleElement().extracting(QuotaUsage::used).isEqualTo(3L);
	}

	@Test
	void windowSlidesOneAdmissionAtATime() {
		acquire(2);
		advance(Duration.ofSeconds(5));
		acquire(1);
		advance(Duration.ofMillis(5001));
		// the first two left the window, the third has not
		RateLimitDecision decision = this.limiter.tryAcquire("acme", List.of(this.threePer10s));
		assertThat(decision.allowed()).isTrue();
		assertThat(decision.usages().get(0).used()).isEqualTo(2);
		assertThat(this.limiter.tryAcquire("acme", List.of(this.threePer10s)).allowed()).isTrue();
		assertThat(this.limiter.tryAcquire("acme", List.of(this.threePer10s)).allowed()).isFalse();
	}

	@Test
	void refusalByOneQuotaRecordsInNone() {
		Quota onePerMinute = Quota.of(1, Duration.ofMinutes(1));
		List<Quota> both = List.of(this.threePer10s, onePerMinute);
		assertThat(this.limiter.tryAcquire("acme", both).allowed()).isTrue();
		RateLimitDecision refused = this.limiter.tryAcquire("acme", both);
		assertThat(refused.allowed()).isFalse();
		assertThat(refused.usages()).extracting(QuotaUsage::used).containsExactly(1L, 1L);
		assertThat(refused.violated()).extracting(QuotaUsage::quota).containsExactly(onePerMinute);
	}

	@Test
	void loweredLimitWaitsForTheEntryThatMustExpireNotTheOldest() {
		Quota fivePer10s = Quota.of(5, Duration.ofSeconds(10));
		for (int i = 0; i < 5; i++) {
			this.limiter.tryAcquire("acme", List.of(fivePer10s));
			advance(Duration.ofSeconds(1));
		}
		// entries at 0s..4s, now 5s; with a limit of 2, the entry at 3s must expire (at 13s)
		Quota twoPer10s = Quota.of(2, Duration.ofSeconds(10));
		assertThat(this.limiter.tryAcquire("acme", List.of(twoPer10s)).retryAfter()).isEqualTo(Duration.ofSeconds(8));
	}

	@Test
	void shadowQuotaNeverRefuses() {
		Quota shadow = new Quota(null, 1, Duration.ofSeconds(10), "/**", java.util.Set.of(), true);
		assertThat(this.limiter.tryAcquire("acme", List.of(shadow)).shadowViolated()).isEmpty();
		RateLimitDecision second = this.limiter.tryAcquire("acme", List.of(shadow));
		assertThat(second.allowed()).isTrue();
		assertThat(second.shadowViolated()).hasSize(1);
		assertThat(second.violated()).isEmpty();
	}

	@Test
	void aRequestUsesItsCostInEveryAlgorithm() {
		for (Algorithm algorithm : List.of(Algorithm.SLIDING_LOG, Algorithm.SLIDING_COUNTER, Algorithm.TOKEN_BUCKET)) {
			Quota quota = Quota.of(10, Duration.ofSeconds(10)).withAlgorithm(algorithm, 0).withCost(4);
			String tenant = "acme-" + algorithm;
			assertThat(this.limiter.tryAcquire(tenant, List.of(quota)).usages().get(0).remaining()).isEqualTo(6);
			assertThat(this.limiter.tryAcquire(tenant, List.of(quota)).allowed()).isTrue();
			RateLimitDecision refused = this.limiter.tryAcquire(tenant, List.of(quota));
			assertThat(refused.allowed()).as(algorithm.toString()).isFalse();
			assertThat(refused.violated()).singleElement().extracting(QuotaUsage::used).isEqualTo(8L);
			// 2 units are left: a request of one unit still fits
			assertThat(this.limiter.tryAcquire(tenant, List.of(quota.withCost(1))).allowed()).isTrue();
		}
	}

	@Test
	void aCostlyRequestWaitsForAsManyEntriesToLeaveAsItNeeds() {
		Quota quota = Quota.of(10, Duration.ofSeconds(10)).withCost(4);
		Quota single = quota.withCost(1);
		for (int i = 0; i < 8; i++) {
			assertThat(this.limiter.tryAcquire("acme", List.of(single)).allowed()).isTrue();
			advance(Duration.ofSeconds(1));
		}
		// 8 entries at 0..7 s, now 8 s: 4 units fit once the 2nd oldest leaves, at 11 s
		assertThat(this.limiter.tryAcquire("acme", List.of(quota)).retryAfter()).isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void tenantsAreCountedApart() {
		acquire(3);
		assertThat(this.limiter.tryAcquire("other", List.of(this.threePer10s)).allowed()).isTrue();
	}

	private void acquire(int times) {
		for (int i = 0; i < times; i++) {
			assertThat(this.limiter.tryAcquire("acme", List.of(this.threePer10s)).allowed()).isTrue();
		}
	}

	private void advance(Duration duration) {
		this.now.addAndGet(duration.toNanos());
	}

}
