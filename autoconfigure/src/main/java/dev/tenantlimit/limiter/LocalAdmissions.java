package dev.tenantlimit.limiter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import dev.tenantlimit.quota.Quota;
import org.jspecify.annotations.Nullable;

/**
 * The requests this instance admitted without the shared limiter, kept until they are written
 * back into the shared counters. Per tenant and quota, admissions are counted in time buckets of
 * a hundredth of the span they count in (the window; for a token bucket larger than its limit, the
 * time it takes to refill) in a ring over that span: memory stays bounded however long an outage
 * lasts, since older admissions no longer count anyway. Recording is one compare-and-set, without
 * a lock.
 */
public class LocalAdmissions {

	private static final long MIN_BUCKET_NANOS = Duration.ofMillis(100).toNanos();

	private final Map<Key, Tally> tallies = new ConcurrentHashMap<>();

	private final LongAdder pending = new LongAdder();

	/** Record one admitted request under every quota it was counted in (its cost in each). */
	public void record(String tenantId, List<Quota> quotas, long nanoTime) {
		for (Quota quota : quotas) {
			if (quota.cost() > 0) {
				this.tallies.computeIfAbsent(new Key(tenantId, quota), (key) -> new Tally(quota, nanoTime))
					.record(nanoTime, quota.cost());
			}
		}
		this.pending.increment();
	}

	/** Whether requests were admitted since the last {@link #drain}. */
	public boolean hasPending() {
		return this.pending.sum() > 0;
	}

	/**
	 * Take everything recorded so far, as counts by age at {@code nanoTime}; a tally that recorded
	 * nothing for longer than its span is dropped (a request that took it from the map that long
	 * ago and has not recorded yet would be lost: it would have to stall between two statements
	 * for a whole window).
	 */
	public List<Batch> drain(long nanoTime) {
		this.pending.reset();
		List<Batch> batches = new ArrayList<>();
		Iterator<Map.Entry<Key, Tally>> entries = this.tallies.entrySet().iterator();
		while (entries.hasNext()) {
			Map.Entry<Key, Tally> entry = entries.next();
			Batch batch = entry.getValue().drain(entry.getKey(), nanoTime);
			if (batch != null) {
				batches.add(batch);
			}
			else if (nanoTime - entry.getValue().lastRecorded > entry.getValue().spanNanos) {
				entries.remove();
			}
		}
		return batches;
	}

	/**
	 * Admissions of one tenant under one quota.
	 *
	 * @param tenantId the tenant
	 * @param quota the quota they were counted in (its full limit, not a share)
	 * @param ages how long before the drain each group was admitted, at the latest (nanoseconds)
	 * @param counts how many units each group holds (requests times the quota's cost)
	 */
	public record Batch(String tenantId, Quota quota, long[] ages, long[] counts) {

		public long total() {
			long total = 0;
			for (long count : this.counts) {
				total += count;
			}
			return total;
		}

	}

	private record Key(String tenantId, Quota quota) {

	}

	/** A ring of buckets; each slot packs the bucket's number (low 32 bits) and its count. */
	private static final class Tally {

		private final long spanNanos;

		private final long bucketNanos;

		private final AtomicLongArray slots;

		private volatile long lastRecorded;

		Tally(Quota quota, long created) {
			this.lastRecorded = created;
			long refills = Math.max(1, (quota.capacity() + quota.limit() - 1) / quota.limit());
			this.spanNanos = Math.multiplyExact(quota.window().toNanos(), refills);
			this.bucketNanos = Math.max(MIN_BUCKET_NANOS, this.spanNanos / 100);
			this.slots = new AtomicLongArray((int) (this.spanNanos / this.bucketNanos) + 2);
		}

		void record(long nanoTime, long units) {
			this.lastRecorded = nanoTime;
			long bucket = Math.floorDiv(nanoTime, this.bucketNanos);
			int slot = (int) Math.floorMod(bucket, (long) this.slots.length());
			while (true) {
				long packed = this.slots.get(slot);
				// a slot of an older bucket holds admissions older than the window: overwrite them
				long next = (number(packed) == (int) bucket) ? packed + (units << 32) : pack(bucket, units);
				if (this.slots.compareAndSet(slot, packed, next)) {
					return;
				}
			}
		}

		@Nullable Batch drain(Key key, long nanoTime) {
			long current = Math.floorDiv(nanoTime, this.bucketNanos);
			List<long[]> taken = new ArrayList<>();
			for (int slot = 0; slot < this.slots.length(); slot++) {
				long packed = this.slots.getAndUpdate(slot, (value) -> value & 0xFFFFFFFFL);
				long count = packed >>> 32;
				long bucket = current - (int) ((int) current - number(packed));
				long age = Math.max(0, nanoTime - (bucket + 1) * this.bucketNanos);
				// older than the span: they no longer count anywhere
				if (count > 0 && age < this.spanNanos) {
					taken.add(new long[] { age, count });
				}
			}
			if (taken.isEmpty()) {
				return null;
			}
			long[] ages = new long[taken.size()];
			long[] counts = new long[taken.size()];
			for (int i = 0; i < ages.length; i++) {
				ages[i] = taken.get(i)[0];
				counts[i] = taken.get(i)[1];
			}
			return new Batch(key.tenantId(), key.quota(), ages, counts);
		}

		private static int number(long packed) {
			return (int) packed;
		}

		private static long pack(long bucket, long count) {
			return (count << 32) | (bucket & 0xFFFFFFFFL);
		}

	}

}
