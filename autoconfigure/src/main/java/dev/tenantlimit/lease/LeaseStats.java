package dev.tenantlimit.lease;

import java.util.concurrent.atomic.LongAdder;

/** What the leases of this instance did, as totals since start (the meters read them). */
public final class LeaseStats {

	private final LongAdder localAdmissions = new LongAdder();

	private final LongAdder reservations = new LongAdder();

	private final LongAdder granted = new LongAdder();

	private final LongAdder returned = new LongAdder();

	void admittedLocally() {
		this.localAdmissions.increment();
	}

	void reserved(int permits) {
		this.reservations.increment();
		this.granted.add(permits);
	}

	void returned(int permits) {
		this.returned.add(permits);
	}

	/** Requests admitted from a lease, without a Redis call of their own. */
	public long localAdmissions() {
		return this.localAdmissions.sum();
	}

	/** Redis calls that reserved permits for a lease. */
	public long reservations() {
		return this.reservations.sum();
	}

	/** Permits those calls were granted (granted ÷ reservations is the mean batch). */
	public long granted() {
		return this.granted.sum();
	}

	/** Permits given back unused when their lease ended. */
	public long returned() {
		return this.returned.sum();
	}

}
