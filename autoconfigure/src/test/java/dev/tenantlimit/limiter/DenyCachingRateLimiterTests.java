package dev.tenantlimit.limiter;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.tenant.TenantChange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The deny cache in front of an in-memory limiter on a fake clock. */
class DenyCachingRateLimiterTests {

	private final AtomicLong now = new AtomicLong(1_000_000_000L);

	private final AtomicInteger calls = new AtomicInteger();

	private final LocalSlidingWindowRateLimiter limiter = new LocalSlidingWindowRateLimiter(this.now::get);

	private final DenyCachingRateLimiter cached = new DenyCachingRateLimiter((tenant, quotas) -> {
		this.calls.incrementAndGet();
		return this.limiter.tryAcquire(tenant, quotas);
	}, this.now::get);

	private final Quota twoPer10s = Quota.of(2, Duration.ofSeconds(10));

	@Test
	void refusalIsRememberedUntilRetryAfter() {
		acquire(this.twoPer10s, 3);
		assertThat(this.calls).hasValue(3);
		advance(Duration.ofSeconds(4));
		RateLimitDecision remembered = this.cached.tryAcquire("acme", List.of(this.twoPer10s));
		assertThat(remembered.allowed()).isFalse();
		assertThat(remembered.retryAfter()).isEqualTo(Duration.ofSeconds(6));
		assertThat(remembered.violated()).singleElement().extracting(QuotaUsage::used).isEqualTo(2L);
		assertThat(this.calls).hasValue(3);
		advance(Duration.ofSeconds(6));
		assertThat(this.cached.tryAcquire("acme", List.of(this.twoPer10s)).allowed()).isTrue();
		assertThat(this.calls).hasValue(4);
	}

	@Test
	void aRefusalAfterEarlierOnesAreOverIsRememberedToo() {
		acquire(this.twoPer10s, 3);
		// every remembered refusal is over: requests skip the cache, until the next refusal
		advance(Duration.ofSeconds(11));
		this.calls.set(0);
		for (int i = 0; i < 3; i++) {
			this.cached.tryAcquire("other", List.of(this.twoPer10s));
		}
		assertThat(this.calls).hasValue(3);
		assertThat(this.cached.tryAcquire("other", List.of(this.twoPer10s)).allowed()).isFalse();
		assertThat(this.calls).hasValue(3);
	}

	@Test
	void aRefusalOfTheFallbackIsNotRemembered() {
		DenyCachingRateLimiter overFallback = new DenyCachingRateLimiter((tenant, quotas) -> {
			this.calls.incrementAndGet();
			return this.limiter.tryAcquire(tenant, quotas).asFallback();
		}, this.now::get);
		for (int i = 0; i < 4; i++) {
			overFallback.tryAcquire("acme", List.of(this.twoPer10s));
		}
		// this instance's share is stricter than Redis: Redis decides again once it is back
		assertThat(this.calls).hasValue(4);
	}

	@Test
	void onlyRequestsCountedByTheFullQuotaAreRefusedFromMemory() {
		Quota writes = new Quota(null, 1, Duration.ofMinutes(1), "/api/**", Set.of("POST"));
		Quota all = Quota.of(100, Duration.ofMinutes(1));
		this.cached.tryAcquire("acme", List.of(all, writes));
		assertThat(this.cached.tryAcquire("acme", List.of(all, writes)).allowed()).isFalse();
		int before = this.calls.get();
		assertThat(this.cached.tryAcquire("acme", List.of(all, writes)).allowed()).isFalse();
		assertThat(this.calls).hasValue(before);
		assertThat(this.cached.tryAcquire("acme", List.of(all)).allowed()).isTrue();
		assertThat(this.cached.tryAcquire("other", List.of(all, writes)).allowed()).isTrue();
	}

	@Test
	void tenantChangeForgetsItsRefusals() {
		acquire(this.twoPer10s, 3);
		this.cached.apply(TenantChange.tenant("someone-else"));
		this.cached.tryAcquire("acme", List.of(this.twoPer10s));
		assertThat(this.calls).hasValue(3);
		this.cached.apply(TenantChange.tenant("acme"));
		this.cached.tryAcquire("acme", List.of(this.twoPer10s));
		assertThat(this.calls).hasValue(4);
	}

	@Test
	void refusalByTwoQuotasIsNotRemembered() {
		Quota onePerMinute = Quota.of(1, Duration.ofMinutes(1));
		Quota onePerHour = Quota.of(1, Duration.ofHours(1));
		this.cached.tryAcquire("acme", List.of(onePerMinute, onePerHour));
		this.cached.tryAcquire("acme", List.of(onePerMinute, onePerHour));
		this.cached.tryAcquire("acme", List.of(onePerMinute, onePerHour));
		assertThat(this.calls).hasValue(3);
	}

	private void acquire(Quota quota, int times) {
		for (int i = 0; i < times; i++) {
			this.cached.tryAcquire("acme", List.of(quota));
		}
	}

	private void advance(Duration duration) {
		this.now.addAndGet(duration.toNanos());
	}

}
