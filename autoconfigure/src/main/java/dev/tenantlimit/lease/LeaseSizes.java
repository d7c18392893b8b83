package dev.tenantlimit.lease;

import java.time.Duration;
import java.util.List;

import dev.tenantlimit.quota.Quota;

/**
 * How long a lease of a set of quotas lasts and how many permits it may hold at most: the two
 * bounds that keep what a lease holds a small part of what the quotas allow.
 */
final class LeaseSizes {

	/** A batch is at most this part of a quota's limit, unless its rate grants more in a lease. */
	private static final int LIMIT_PARTS = 100;

	private LeaseSizes() {
	}

	/**
	 * A permit counted at its lease's end holds its place in a sliding log up to a lease longer
	 * than one used at once; near a limit, where that could refuse a request, batches shrink to
	 * the one permit of the request itself (counted now). At most a tenth of the shortest window.
	 */
	static Duration duration(Duration configured, List<Quota> quotas) {
		Duration shortest = configured;
		for (Quota quota : quotas) {
			Duration part = quota.window().dividedBy(10);
			if (part.compareTo(shortest) < 0) {
				shortest = part;
			}
		}
		return shortest;
	}

	/**
	 * The largest batch a set of quotas may give at once: for each quota the larger of what it
	 * grants in one lease at its full rate and a hundredth of its limit (a token bucket's size),
	 * in requests of its cost, the smallest of those.
	 * A quota of a low rate and a small limit (100 a minute) gives less than two: it admits too
	 * little for a lease to save Redis calls (refusals are the deny cache's), and permits held in
	 * a lease when its traffic moves elsewhere would be a large part of its limit, refused to the
	 * other instances until the lease ends. A quota of a low rate and a large limit (a million a
	 * day) still takes part: a hundredth of it is nothing against the rest.
	 */
	static long largestBatch(List<Quota> quotas, Duration duration) {
		long largest = Long.MAX_VALUE;
		for (Quota quota : quotas) {
			long perLease = (long) ((double) quota.limit() * duration.toNanos() / quota.window().toNanos());
			// capacity: a token bucket smaller than its limit holds no more than its size
			largest = Math.min(largest, Math.max(perLease, quota.capacity() / LIMIT_PARTS) / quota.unitsToEnter());
		}
		return largest;
	}

}
