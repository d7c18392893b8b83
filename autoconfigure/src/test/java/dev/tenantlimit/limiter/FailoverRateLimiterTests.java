package dev.tenantlimit.limiter;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tenantlimit.limiter.RateLimiterUnavailableException.Reason;
import dev.tenantlimit.quota.Quota;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The failover's rules with a scripted shared limiter (the Redis side has integration tests). */
class FailoverRateLimiterTests {

	private final List<Quota> quotas = List.of(Quota.of(100, Duration.ofMinutes(1)));

	private final FakeShared shared = new FakeShared();

	private final FallbackState state = new FallbackState(FailMode.LOCAL, () -> 1);

	private final FailoverRateLimiter limiter = new FailoverRateLimiter(this.shared,
			new LocalFallback(new LocalSlidingWindowRateLimiter(), new SharedCounts(), new LocalAdmissions(),
					this.state::liveInstances),
			this.state, Duration.ofMillis(50), Duration.ofSeconds(2), System::nanoTime);

	@AfterEach
	void close() {
		this.limiter.close();
	}

	@Test
	void aLateReplyWhileOtherRepliesComeIsDecidedLocallyButIsNoOutage() {
		this.shared.failNext(Reason.LATE, () -> this.limiter.tryAcquire("other", this.quotas));
		RateLimitDecision decision = this.limiter.tryAcquire("acme", this.quotas);
		assertThat(decision.fallback()).isTrue();
		assertThat(this.state.isActive()).isFalse();
		assertThat(this.limiter.tryAcquire("acme", this.quotas).fallback()).isFalse();
		assertThat(this.state.outages()).isZero();
	}

	@Test
	void aLateReplyWhileNothingElseCameBackIsAnOutage() {
		this.limiter.tryAcquire("acme", this.quotas);
		this.shared.failNext(Reason.LATE, null);
		assertThat(this.limiter.tryAcquire("acme", this.quotas).fallback()).isTrue();
		assertThat(this.state.isActive()).isTrue();
	}

	@Test
	void anUnreachableRedisIsNotAskedAgainUntilTheProbeFindsItBack() throws Exception {
		this.shared.reachable = false;
		this.shared.failNext(Reason.UNREACHABLE, null);
		for (int i = 0; i < 10; i++) {
			assertThat(this.limiter.tryAcquire("acme", this.quotas).allowed()).isTrue();
		}
		assertThat(this.shared.decisions).hasValue(1);
		assertThat(this.state.localDecisions()).isEqualTo(10);
		Thread.sleep(200);
		assertThat(this.state.isActive()).isTrue();
		this.shared.reachable = true;
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (this.state.isActive() && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(this.state.isActive()).isFalse();
		assertThat(this.shared.writtenBack).singleElement().extracting(LocalAdmissions.Batch::total).isEqualTo(10L);
		assertThat(this.state.writtenBack()).isEqualTo(10);
		assertThat(this.limiter.tryAcquire("acme", this.quotas).fallback()).isFalse();
		assertThat(this.state.outages()).isOne();
	}

	@Test
	void anOutageRightAfterARecoveryIsProbedAgain() throws Exception {
		for (int outage = 1; outage <= 3; outage++) {
			this.shared.failNext(Reason.UNREACHABLE, null);
			assertThat(this.limiter.tryAcquire("acme", this.quotas).fallback()).isTrue();
			assertThat(this.state.isActive()).isTrue();
			long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			while (this.state.isActive() && System.nanoTime() < deadline) {
				Thread.sleep(5);
			}
			assertThat(this.state.isActive()).as("recovered from outage %d", outage).isFalse();
			assertThat(this.limiter.tryAcquire("acme", this.quotas).fallback()).isFalse();
		}
		assertThat(this.state.outages()).isEqualTo(3);
	}

	@Test
	void errorsInHalfOfTheDecisionsAreAnOutage() {
		for (int i = 0; i < 4; i++) {
			this.limiter.tryAcquire("acme", this.quotas);
		}
		for (int i = 0; i < 3; i++) {
			this.shared.failNext(Reason.FAILED, null);
			assertThat(this.limiter.tryAcquire("acme", this.quotas).fallback()).isTrue();
		}
		assertThat(this.state.isActive()).isFalse();
		this.shared.failNext(Reason.FAILED, null);
		this.limiter.tryAcquire("acme", this.quotas);
		assertThat(this.state.isActive()).isTrue();
	}

	/** Admits everything, save the calls told to fail. */
	static final class FakeShared implements SharedRateLimiter {

		final AtomicInteger decisions = new AtomicInteger();

		final List<LocalAdmissions.Batch> writtenBack = new CopyOnWriteArrayList<>();

		volatile boolean reachable = true;

		private volatile Reason failure;

		private volatile Runnable meanwhile;

		void failNext(Reason reason, Runnable whileWaiting) {
			this.failure = reason;
			this.meanwhile = whileWaiting;
		}

		@Override
		public RateLimitDecision tryAcquire(String tenantId, List<Quota> quotas) {
			this.decisions.incrementAndGet();
			Reason reason = this.failure;
			if (reason != null) {
				this.failure = null;
				Runnable other = this.meanwhile;
				if (other != null) {
					this.meanwhile = null;
					other.run();
				}
				throw new RateLimiterUnavailableException(reason, "scripted " + reason, null);
			}
			return new RateLimitDecision(true,
					quotas.stream().map((quota) -> new QuotaUsage(quota, 1, quota.window(), false)).toList(),
					Duration.ZERO);
		}

		@Override
		public boolean reachable() {
			return this.reachable;
		}

		@Override
		public void writeBack(LocalAdmissions.Batch batch) {
			this.writtenBack.add(batch);
		}

	}

}
