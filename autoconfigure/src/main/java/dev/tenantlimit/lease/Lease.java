package dev.tenantlimit.lease;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import dev.tenantlimit.limiter.QuotaUsage;
import dev.tenantlimit.limiter.RateLimitDecision;

/**
 * One batch of permits that Redis counted for this instance, to be admitted from memory until
 * they are used or the lease ends.
 *
 * <p>A permit is taken by counting it first and looking at the clock after: once
 * {@link #revoke()} has read the count, a taker that counts later sees either the count past the
 * size or the clock past the end, so a permit given back is never used as well.
 */
final class Lease {

	/** A count no taker reaches: the lease is revoked. */
	private static final int REVOKED = Integer.MAX_VALUE / 2;

	private final Reservation reservation;

	private final int size;

	/** nanoTime after which no permit may be used: the call was sent before Redis counted them. */
	private final long end;

	/** nanoTime of Redis's reply, from which the reply's reset times count down. */
	private final long received;

	private final AtomicInteger taken;

	/**
	 * @param reservation what Redis granted
	 * @param used permits of the reservation used already (the request that fetched it)
	 * @param sent nanoTime at which the reservation was asked for
	 * @param duration the lease's length
	 */
	Lease(Reservation reservation, int used, long sent, Duration duration, long received) {
		this.reservation = reservation;
		this.size = reservation.granted();
		this.end = sent + duration.toNanos();
		this.received = received;
		this.taken = new AtomicInteger(used);
	}

	/** @return the number of the permit taken, or -1 when none is left or the lease has ended */
	int take(LongSupplier nanoTime) {
		if (this.taken.get() >= this.size || nanoTime.getAsLong() - this.end >= 0) {
			return -1;
		}
		// counted first, the clock read again after: see the class comment
		int index = this.taken.getAndIncrement();
		if (index >= this.size || nanoTime.getAsLong() - this.end >= 0) {
			return -1;
		}
		return index;
	}

	/** Whether permit {@code index} is the one past which the next lease should be fetched. */
	boolean halfUsed(int index) {
		return index == this.size / 2;
	}

	boolean ended(long now) {
		return this.taken.get() >= this.size || now - this.end >= 0;
	}

	/**
	 * No permit can be taken any more after this.
	 * @return the number of the first permit never taken: those from it on are unused
	 */
	int revoke() {
		return Math.min(this.taken.getAndSet(REVOKED), this.size);
	}

	int size() {
		return this.size;
	}

	Reservation reservation() {
		return this.reservation;
	}

	/**
	 * The decision of a request admitted from this instance's leases, told from the newest of them
	 * (the freshest reply): Redis's counts at its reservation (its permits counted as used), less
	 * what the other instances may have reserved since (two batches as large as this one each: the
	 * one in use and the one fetched ahead), its reset times counted down since. Not more: the
	 * failover seeds its fallback from these, and while Redis is away an instance must not count
	 * on permits the others reserved after this one heard from Redis.
	 */
	RateLimitDecision decision(long now, int instances) {
		long othersMayHoldPermits = 2L * Math.max(0, instances - 1) * this.size;
		Duration elapsed = Duration.ofNanos(Math.max(0, now - this.received));
		List<QuotaUsage> counted = this.reservation.decision().usages();
		List<QuotaUsage> usages = new ArrayList<>(counted.size());
		for (QuotaUsage usage : counted) {
			Duration reset = usage.resetAfter().minus(elapsed);
			long used = Math.min(usage.quota().capacity(), usage.used() + othersMayHoldPermits * usage.quota().cost());
			usages.add(new QuotaUsage(usage.quota(), Math.max(used, usage.used()), reset.isNegative() ? Duration.ZERO : reset,
					false));
		}
		return new RateLimitDecision(true, usages, Duration.ZERO);
	}

}
