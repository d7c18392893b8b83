package dev.tenantlimit.limiter;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tenantlimit.quota.Algorithm;
import dev.tenantlimit.quota.AlgorithmSettings;
import dev.tenantlimit.quota.CounterDimensions;
import dev.tenantlimit.quota.Quota;

/**
 * The algorithms of the Redis limiter (sliding log, sliding counter, token bucket), kept in this
 * JVM's memory with the same rules. It counts only what this instance admits, so it is the
 * fallback while Redis is unreachable, not a way to share a quota between instances.
 */
public class LocalSlidingWindowRateLimiter implements RateLimiter {

	private final Cache<String, TenantCounters> tenants;

	private final LongSupplier nanoTime;

	private final AlgorithmSettings algorithms;

	public LocalSlidingWindowRateLimiter() {
		this(AlgorithmSettings.DEFAULTS, System::nanoTime);
	}

	public LocalSlidingWindowRateLimiter(AlgorithmSettings algorithms) {
		this(algorithms, System::nanoTime);
	}

	LocalSlidingWindowRateLimiter(LongSupplier nanoTime) {
		this(AlgorithmSettings.DEFAULTS, nanoTime);
	}

	LocalSlidingWindowRateLimiter(AlgorithmSettings algorithms, LongSupplier nanoTime) {
		this.algorithms = algorithms;
		this.nanoTime = nanoTime;
		this.tenants = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofDays(1)).build();
	}

	@Override
	public RateLimitDecision tryAcquire(String tenantId, List<Quota> quotas) {
		TenantCounters counters = this.tenants.get(tenantId, (id) -> new TenantCounters());
		synchronized (counters) {
			return counters.tryAcquire(quotas, this.nanoTime.getAsLong());
		}
	}

	/** One counter per quota of one tenant; times in nanoseconds. */
	private final class TenantCounters {

		private final Map<String, Counter> counters = new HashMap<>();

		RateLimitDecision tryAcquire(List<Quota> quotas, long now) {
			if (this.counters.size() > CounterDimensions.MAX_REMEMBERED_PER_TENANT) {
				// a per part of a counter key starts with ":="
				this.counters.keySet().removeIf((key) -> key.contains(":="));
			}
			List<Counter> selected = new ArrayList<>(quotas.size());
			boolean[] full = new boolean[quotas.size()];
			boolean allowed = true;
			long retry = 0;
			for (int i = 0; i < quotas.size(); i++) {
				Quota quota = quotas.get(i);
				Algorithm algorithm = LocalSlidingWindowRateLimiter.this.algorithms.algorithm(quota);
				Counter counter = this.counters.computeIfAbsent(
						LocalSlidingWindowRateLimiter.this.algorithms.counterKey(quota), (key) -> switch (algorithm) {
							case SLIDING_COUNTER -> new SlidingCounter(LocalSlidingWindowRateLimiter.this.algorithms.subWindows());
							case TOKEN_BUCKET -> new TokenBucket();
							default -> new SlidingLog();
						});
				selected.add(counter);
				long wait = counter.waitNanos(quota, now);
				full[i] = wait > 0;
				if (full[i] && !quota.shadow()) {
					allowed = false;
					retry = Math.max(retry, wait);
				}
			}
			List<QuotaUsage> usages = new ArrayList<>(quotas.size());
			for (int i = 0; i < quotas.size(); i++) {
				Quota quota = quotas.get(i);
				Counter counter = selected.get(i);
				if (allowed && !full[i]) {
					counter.record(quota, now);
				}
				usages.add(new QuotaUsage(quota, counter.used(quota, now), Duration.ofNanos(counter.resetNanos(quota, now)),
						full[i]));
			}
			return new RateLimitDecision(allowed, usages, Duration.ofNanos(retry));
		}

	}

	/** The state of one quota's counter. */
	interface Counter {

		/** 0 when one more request (its cost in units) fits now, else how long until it does. */
		long waitNanos(Quota quota, long now);

		void record(Quota quota, long now);

		long used(Quota quota, long now);

		long resetNanos(Quota quota, long now);

	}

	/** Exact: the admission times, oldest first. */
	static final class SlidingLog implements Counter {

		private final ArrayDeque<Long> log = new ArrayDeque<>();

		@Override
		public long waitNanos(Quota quota, long now) {
			long window = quota.window().toNanos();
			while (!this.log.isEmpty() && this.log.peekFirst() <= now - window) {
				this.log.pollFirst();
			}
			if (this.log.size() + quota.unitsToEnter() <= quota.limit()) {
				return 0;
			}
			// the entry that must leave before one more request fits: the (size + cost - limit)th
			// oldest; with a lowered limit or a cost above one not the oldest
			long index = this.log.size() + quota.unitsToEnter() - quota.limit() - 1;
			if (index >= this.log.size()) {
				return window;
			}
			Iterator<Long> entries = this.log.iterator();
			for (long i = 0; i < index; i++) {
				entries.next();
			}
			return Math.max(1, entries.next() + window - now);
		}

		@Override
		public void record(Quota quota, long now) {
			for (long unit = 0; unit < quota.cost(); unit++) {
				this.log.addLast(now);
			}
		}

		@Override
		public long used(Quota quota, long now) {
			return this.log.size();
		}

		@Override
		public long resetNanos(Quota quota, long now) {
			return this.log.isEmpty() ? 0 : this.log.peekLast() + quota.window().toNanos() - now;
		}

	}

	/**
	 * Approximate, bounded memory: one count per sub-window of {@code window / n}; the window
	 * covers the last n - 1 sub-windows and the current one entirely and part of the one before,
	 * which is weighted by that part.
	 */
	static final class SlidingCounter implements Counter {

		private final int n;

		private final TreeMap<Long, Long> counts = new TreeMap<>();

		SlidingCounter(int subWindows) {
			this.n = subWindows;
		}

		double estimate(Quota quota, long now) {
			long sub = quota.window().toNanos() / this.n;
			long current = Math.floorDiv(now, sub);
			this.counts.headMap(current - this.n).clear();
			double weight = 1 - (double) (now - current * sub) / sub;
			double estimate = 0;
			for (Map.Entry<Long, Long> entry : this.counts.entrySet()) {
				estimate += (entry.getKey() == current - this.n) ? entry.getValue() * weight : entry.getValue();
			}
			return estimate;
		}

		@Override
		public long waitNanos(Quota quota, long now) {
			long cost = quota.unitsToEnter();
			if (estimate(quota, now) + cost <= quota.limit()) {
				return 0;
			}
			long sub = quota.window().toNanos() / this.n;
			long current = Math.floorDiv(now, sub);
			long after = 0;
			for (long j = current - this.n + 1; j <= current; j++) {
				after += this.counts.getOrDefault(j, 0L);
			}
			for (int k = 0; k <= this.n; k++) {
				long oldest = this.counts.getOrDefault(current - this.n + k, 0L);
				if (after + cost <= quota.limit()) {
					double gone = (oldest > 0) ? Math.max(0, 1 - (double) (quota.limit() - cost - after) / oldest) : 0;
					return Math.max(1, (long) Math.ceil((current + k + gone) * sub - now) + 1);
				}
				after -= this.counts.getOrDefault(current - this.n + k + 1, 0L);
			}
			return quota.window().toNanos();
		}

		@Override
		public void record(Quota quota, long now) {
			long sub = quota.window().toNanos() / this.n;
			if (quota.cost() > 0) {
				this.counts.merge(Math.floorDiv(now, sub), quota.cost(), Long::sum);
			}
		}

		@Override
		public long used(Quota quota, long now) {
			return (long) estimate(quota, now);
		}

		@Override
		public long resetNanos(Quota quota, long now) {
			if (this.counts.isEmpty()) {
				return 0;
			}
			long sub = quota.window().toNanos() / this.n;
			return (this.counts.lastKey() + this.n + 1) * sub - now;
		}

	}

	/** {@code capacity} tokens at most, refilled at {@code limit} per window. */
	static final class TokenBucket implements Counter {

		private double tokens = -1;

		private long updated;

		private double tokens(Quota quota, long now) {
			double rate = (double) quota.limit() / quota.window().toNanos();
			if (this.tokens < 0) {
				return quota.capacity();
			}
			return Math.min(quota.capacity(), this.tokens + (now - this.updated) * rate);
		}

		@Override
		public long waitNanos(Quota quota, long now) {
			double available = tokens(quota, now);
			if (available >= quota.unitsToEnter()) {
				return 0;
			}
			return Math.max(1,
					(long) Math.ceil((quota.unitsToEnter() - available) * quota.window().toNanos() / quota.limit()));
		}

		@Override
		public void record(Quota quota, long now) {
			this.tokens = tokens(quota, now) - quota.cost();
			this.updated = now;
		}

		@Override
		public long used(Quota quota, long now) {
			return quota.capacity() - (long) Math.floor(tokens(quota, now));
		}

		@Override
		public long resetNanos(Quota quota, long now) {
			return (long) Math.ceil((quota.capacity() - tokens(quota, now)) * quota.window().toNanos() / quota.limit());
		}

	}

}
