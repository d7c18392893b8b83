package dev.tenantlimit.lease;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import dev.tenantlimit.limiter.RateLimitDecision;
import dev.tenantlimit.quota.Quota;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The leases of one tenant's quota set on this instance: the one in use, and the next one,
 * fetched in the background once half of the current one is used, so requests do not wait for
 * Redis while the tenant stays hot. The batch follows the rate the tenant is seen at here (what
 * arrives in half a lease's length, at most doubling from one batch to the next), and a tenant
 * too slow for that to be two permits is decided one request at a time.
 */
final class LeaseHolder {

	private static final Log logger = LogFactory.getLog(LeaseHolder.class);

	/** Requests seen within one lease's length before a rate is estimated from them. */
	private static final int MIN_ARRIVALS = 4;

	/** The first batch: doubling from here reaches a hundred in four fetches. */
	private static final int FIRST_BATCH = 8;


	private final String tenantId;

	private final List<Quota> quotas;

	private final PermitLeases leases;

	/** The lease's length for these quotas: at most a tenth of the shortest window. */
	private final Duration duration;

	/** The largest batch these quotas allow (see {@link LeaseSizes#largestBatch}); below two, no leases. */
	private final int largestBatch;

	private volatile @Nullable Lease current;

	private volatile @Nullable Lease next;

	/** The lease reserved last (current or next): its reply is what this instance knows last. */
	private volatile @Nullable Lease newest;

	/** One reservation at a time: others decide their request alone meanwhile. */
	private final AtomicBoolean fetching = new AtomicBoolean();

	private final LongAdder arrivals = new LongAdder();

	private volatile long rateSince;

	private volatile int lastGranted;

	/** Set once the holder is dropped: a reservation that arrives after goes straight back. */
	private boolean retired;

	LeaseHolder(String tenantId, List<Quota> quotas, PermitLeases leases, long now) {
		this.tenantId = tenantId;
		this.quotas = quotas;
		this.leases = leases;
		this.duration = LeaseSizes.duration(leases.duration(), quotas);
		this.largestBatch = (int) Math.min(leases.maxPermits(), LeaseSizes.largestBatch(quotas, this.duration));
		this.rateSince = now;
	}

	RateLimitDecision decide() {
		if (this.largestBatch < 2) {
			this.leases.answeredFromMemory(false);
			return this.leases.source().tryAcquire(this.tenantId, this.quotas);
		}
		this.arrivals.increment();
		RateLimitDecision local = takeLocal();
		this.leases.answeredFromMemory(local != null);
		if (local != null) {
			return local;
		}
		long sent = this.leases.now();
		int want = (this.fetching.compareAndSet(false, true)) ? want(sent) : 1;
		if (want < 2) {
			this.fetching.set(false);
			return this.leases.source().tryAcquire(this.tenantId, this.quotas);
		}
		try {
			Reservation reservation = reserve(want, true);
			if (reservation.granted() > 1) {
				// permit 0 is this request's
				Lease lease = new Lease(reservation, 1, sent, this.duration, this.leases.now());
				install(lease);
				return lease.decision(this.leases.now(), this.leases.instances());
			}
			return reservation.decision();
		}
		finally {
			this.fetching.set(false);
		}
	}

	private @Nullable RateLimitDecision takeLocal() {
		Lease lease = this.current;
		while (lease != null) {
			int index = lease.take(this.leases.nanoTime());
			if (index >= 0) {
				if (lease.halfUsed(index)) {
					fetchAhead();
				}
				this.leases.stats().admittedLocally();
				Lease newest = this.newest;
				return ((newest != null) ? newest : lease).decision(this.leases.now(), this.leases.instances());
			}
			lease = advance(lease);
		}
		return null;
	}

	/** One Redis call for {@code want} permits, counted in the stats and the next batch's size. */
	private Reservation reserve(int want, boolean firstForRequest) {
		Reservation reservation = this.leases.source().reserve(this.tenantId, this.quotas, want, this.duration,
				firstForRequest);
		this.leases.stats().reserved(reservation.granted());
		this.lastGranted = reservation.granted();
		return reservation;
	}

	/** Retire a used or ended lease; the next one, if any, takes its place. */
	private synchronized @Nullable Lease advance(Lease spent) {
		if (this.current == spent) {
			retire(spent);
			this.current = this.next;
			this.next = null;
		}
		return this.current;
	}

	private synchronized void install(Lease lease) {
		if (this.retired) {
			retire(lease);
			return;
		}
		Lease inUse = this.current;
		if (inUse == null || inUse.ended(this.leases.now())) {
			if (inUse != null) {
				retire(inUse);
			}
			this.current = lease;
			this.newest = lease;
		}
		else if (this.next == null) {
			this.next = lease;
			this.newest = lease;
		}
		else {
			retire(lease);
		}
	}

	/** Fetch the next lease in the background, unless one is coming or waiting. */
	private void fetchAhead() {
		if (this.next != null || !this.fetching.compareAndSet(false, true)) {
			return;
		}
		boolean queued = this.leases.inBackground(() -> {
			try {
				long sent = this.leases.now();
				int want = want(sent);
				if (want >= 2) {
					Reservation reservation = reserve(want, false);
					if (reservation.granted() > 0) {
						install(new Lease(reservation, 0, sent, this.duration, this.leases.now()));
					}
				}
			}
			catch (RuntimeException ex) {
				// the next request asks Redis itself, and the failover takes it from there
				logger.debug("Could not fetch a lease for tenant " + this.tenantId, ex);
			}
			finally {
				this.fetching.set(false);
			}
		});
		if (!queued) {
			this.fetching.set(false);
		}
	}

	/**
	 * Permits for half a lease's length at the rate seen since the last fetch, at most twice the
	 * last batch (or {@value #FIRST_BATCH}); 1 (no lease) while that is fewer than two. Half: a
	 * lease should end by being used up, not by its time running out with permits left (they
	 * would go back, one more Redis call), and the next one is fetched when half of it is used,
	 * a quarter of a lease's length ahead. Arrivals are counted until {@value #MIN_ARRIVALS} have
	 * come within one lease's length: two requests that happen to come together (two clients of a
	 * quiet tenant) are no rate.
	 */
	private int want(long now) {
		long elapsed = now - this.rateSince;
		long arrived = this.arrivals.sum();
		if (arrived < MIN_ARRIVALS || elapsed <= 0) {
			if (elapsed > this.duration.toNanos()) {
				// too long ago to say anything of the rate now
				this.arrivals.reset();
				this.arrivals.increment();
				this.rateSince = now;
			}
			return 1;
		}
		this.arrivals.reset();
		this.rateSince = now;
		double perHalfLease = arrived * (this.duration.toNanos() / 2.0) / elapsed;
		if (perHalfLease < 2) {
			return 1;
		}
		long cap = Math.min(this.largestBatch, Math.max(FIRST_BATCH, 2L * this.lastGranted));
		return (int) Math.min(cap, Math.ceil(perHalfLease));
	}

	/** Retire leases that ended unused, so their permits go back while nobody asks here. */
	void sweep(long now) {
		Lease inUse = this.current;
		if (inUse != null && inUse.ended(now)) {
			advance(inUse);
		}
	}

	/** Give everything back: the holder is dropped (idle, tenant changed, shutdown). */
	synchronized void retireAll() {
		this.retired = true;
		Lease inUse = this.current;
		Lease ahead = this.next;
		this.current = null;
		this.next = null;
		if (inUse != null) {
			retire(inUse);
		}
		if (ahead != null) {
			retire(ahead);
		}
	}

	private void retire(Lease lease) {
		int firstUnused = lease.revoke();
		int unused = lease.size() - firstUnused;
		if (unused > 0) {
			this.leases.giveBack(this.tenantId, this.quotas, lease.reservation(), firstUnused, unused);
		}
	}

}
