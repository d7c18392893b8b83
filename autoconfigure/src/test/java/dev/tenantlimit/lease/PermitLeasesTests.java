package dev.tenantlimit.lease;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.tenantlimit.limiter.LocalAdmissions;
import dev.tenantlimit.limiter.QuotaUsage;
import dev.tenantlimit.limiter.RateLimitDecision;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.tenant.TenantChange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The lease logic alone, with a counting source in memory and a clock the test moves. */
class PermitLeasesTests {

	private static final List<Quota> QUOTAS = List.of(Quota.of(1_000_000, Duration.ofMinutes(1)));

	private final AtomicLong clock = new AtomicLong(1_000_000_000L);

	private final CountingSource source = new CountingSource();

	private final LeaseStats stats = new LeaseStats();

	private final PermitLeases leases = new PermitLeases(this.source, Duration.ofMillis(100), 1000, this.stats,
			this.clock::get);

	@Test
	void aQuietTenantIsDecidedRequestByRequest() {
		for (int i = 0; i < 20; i++) {
			assertThat(this.leases.tryAcquire("quiet", QUOTAS).allowed()).isTrue();
			this.clock.addAndGet(Duration.ofSeconds(1).toNanos());
		}
		assertThat(this.source.singles.get()).isEqualTo(20);
		assertThat(this.source.reservations.get()).isZero();
	}

	@Test
	void aQuotaThatIsNotLeasedIsDecidedRequestByRequestHowEverHot() {
		List<Quota> unleased = List.of(QUOTAS.get(0).withLease(false));
		for (int i = 0; i < 1000; i++) {
			this.leases.tryAcquire("hot", unleased);
			this.clock.addAndGet(10_000);
		}
		assertThat(this.source.singles.get()).isEqualTo(1000);
		assertThat(this.source.reservations.get()).isZero();
	}

	@Test
	void aQuotaOfALowRateAndASmallLimitIsDecidedRequestByRequestHowEverHot() {
		// 100 a minute grants 0.17 permits in a lease and a hundredth of it is one: no batch of two
		List<Quota> small = List.of(Quota.of(100, Duration.ofMinutes(1)));
		for (int i = 0; i < 1000; i++) {
			this.leases.tryAcquire("hot", small);
			this.clock.addAndGet(10_000);
		}
		assertThat(this.source.singles.get()).isEqualTo(1000);
		assertThat(this.source.reservations.get()).isZero();
	}

	@Test
	void batchesStayWithinWhatTheSmallestQuotaAllows() {
		// 600 a minute: a hundredth is 6, more than the one permit it grants in a lease
		List<Quota> quotas = List.of(Quota.of(1_000_000, Duration.ofSeconds(1)), Quota.of(600, Duration.ofMinutes(1)));
		for (int i = 0; i < 1000; i++) {
			this.leases.tryAcquire("hot", quotas);
			this.clock.addAndGet(10_000);
		}
		assertThat(this.source.reservations.get()).isPositive();
		assertThat(this.source.largestWanted.get()).isEqualTo(6);
	}

	@Test
	void batchesAreSizedInRequestsOfTheQuotasCost() {
		// 6,000 units a minute at 10 a request: 600 requests, a batch of 6 as for 600 at cost 1;
		// 1,000 a minute at 10 a request is 100 requests: no batch of two
		List<Quota> costly = List.of(Quota.of(6000, Duration.ofMinutes(1)).withCost(10));
		List<Quota> small = List.of(Quota.of(1000, Duration.ofMinutes(1)).withCost(10));
		for (int i = 0; i < 1000; i++) {
			this.leases.tryAcquire("costly", costly);
			this.leases.tryAcquire("small", small);
			this.clock.addAndGet(10_000);
		}
		assertThat(this.source.largestWanted.get()).isEqualTo(6);
		assertThat(this.source.singles.get()).isGreaterThanOrEqualTo(1000);
	}

	@Test
	void everyAdmissionWasCountedByTheSourceFirst() throws InterruptedException {
		int admitted = 0;
		for (int i = 0; i < 5000; i++) {
			if (this.leases.tryAcquire("hot", QUOTAS).allowed()) {
				admitted++;
			}
			this.clock.addAndGet(Duration.ofNanos(10_000).toNanos());
		}
		this.leases.close();
		assertThat(admitted).isEqualTo(5000);
		assertThat(this.stats.localAdmissions()).isPositive();
		// counted = singles + granted - given back: exactly what was admitted, none left over
		assertThat(this.source.counted.get()).isEqualTo(admitted);
		assertThat(this.source.singles.get() + this.source.reservations.get()).isLessThan(admitted / 10);
	}

	@Test
	void noPermitIsUsedAfterItsLeaseEndedAndTheRestGoBack() throws InterruptedException {
		heatUp();
		assertThat(this.source.reservations.get()).isEqualTo(1);
		long local = this.stats.localAdmissions();
		this.clock.addAndGet(Duration.ofMillis(100).toNanos());
		this.leases.tryAcquire("hot", QUOTAS);
		assertThat(this.stats.localAdmissions()).isEqualTo(local);
		awaitReturned();
		assertThat(this.source.counted.get()).isEqualTo(5);
	}

	@Test
	void aChangedTenantGivesItsPermitsBack() throws InterruptedException {
		heatUp();
		this.leases.apply(TenantChange.tenant("hot"));
		awaitReturned();
		assertThat(this.source.counted.get()).isEqualTo(4);
	}

	/** Four requests a microsecond apart: the fourth reserves a lease and uses its first permit. */
	private void heatUp() {
		for (int i = 0; i < 4; i++) {
			this.leases.tryAcquire("hot", QUOTAS);
			this.clock.addAndGet(1000);
		}
	}

	/** The failover must not take an answer from a lease for a sign of Redis's health. */
	@Test
	void saysWhichAnswersCameFromMemory() {
		while (this.source.reservations.get() == 0) {
			// decided by the source, the reserving request too
			this.leases.tryAcquire("hot", QUOTAS);
			assertThat(this.leases.lastAnsweredFromMemory()).isFalse();
			this.clock.addAndGet(1000);
		}
		this.leases.tryAcquire("hot", QUOTAS);
		assertThat(this.leases.lastAnsweredFromMemory()).isTrue();
	}

	@Test
	void twoRequestsThatComeTogetherAreNoRate() {
		for (int i = 0; i < 50; i++) {
			this.leases.tryAcquire("pair", QUOTAS);
			this.clock.addAndGet(1000);
			this.leases.tryAcquire("pair", QUOTAS);
			this.clock.addAndGet(Duration.ofMillis(500).toNanos());
		}
		assertThat(this.source.reservations.get()).isZero();
	}

	private void awaitReturned() throws InterruptedException {
		for (int i = 0; i < 100 && this.source.returns.get() == 0; i++) {
			Thread.sleep(20);
		}
		assertThat(this.source.returns.get()).isPositive();
	}

	/** Grants what is asked (a quarter of a large room), and counts what stays counted. */
	private static final class CountingSource implements PermitSource {

		final AtomicLong counted = new AtomicLong();

		final AtomicInteger singles = new AtomicInteger();

		final AtomicInteger reservations = new AtomicInteger();

		final AtomicInteger returns = new AtomicInteger();

		final AtomicInteger largestWanted = new AtomicInteger();

		@Override
		public RateLimitDecision tryAcquire(String tenantId, List<Quota> quotas) {
			this.singles.incrementAndGet();
			return decision(this.counted.incrementAndGet(), quotas);
		}

		@Override
		public Reservation reserve(String tenantId, List<Quota> quotas, int permits, Duration lease,
				boolean firstForRequest) {
			this.reservations.incrementAndGet();
			this.largestWanted.accumulateAndGet(permits, Math::max);
			return new Reservation(decision(this.counted.addAndGet(permits), quotas), permits, "m", 0);
		}

		@Override
		public void release(String tenantId, List<Quota> quotas, Reservation reservation, int firstUnused, int unused) {
			this.counted.addAndGet(-unused);
			this.returns.incrementAndGet();
		}

		@Override
		public boolean reachable() {
			return true;
		}

		@Override
		public void writeBack(LocalAdmissions.Batch batch) {
		}

		private static RateLimitDecision decision(long used, List<Quota> quotas) {
			return new RateLimitDecision(true, List.of(new QuotaUsage(quotas.get(0), used, Duration.ofMinutes(1), false)),
					Duration.ZERO);
		}

	}

}
