package dev.tenantlimit.limiter;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tenantlimit.quota.Quota;

/**
 * The sliding-window log of the Redis limiter, kept in this JVM's memory. It counts only what
 * this instance admits, so it is the fallback while Redis is unreachable, not a way to share a
 * quota between instances.
 */
public class LocalSlidingWindowRateLimiter implements RateLimiter {

	private final Cache<String, TenantWindows> tenants;

	private final LongSupplier nanoTime;

	public LocalSlidingWindowRateLimiter() {
		this(System::nanoTime);
	}

	LocalSlidingWindowRateLimiter(LongSupplier nanoTime) {
		this.nanoTime = nanoTime;
		this.tenants = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofDays(1)).build();
	}

	@Override
	public RateLimitDecision tryAcquire(String tenantId, List<Quota> quotas) {
		TenantWindows windows = this.tenants.get(tenantId, (id) -> new TenantWindows());
		synchronized (windows) {
			return windows.tryAcquire(quotas, this.nanoTime.getAsLong());
		}
	}

	/** Admission times in nanoseconds, oldest first, one log per quota of one tenant. */
	private static final class TenantWindows {

		private final Map<String, ArrayDeque<Long>> logs = new HashMap<>();

		RateLimitDecision tryAcquire(List<Quota> quotas, long now) {
			List<ArrayDeque<Long>> selected = new ArrayList<>(quotas.size());
			boolean[] full = new boolean[quotas.size()];
			boolean allowed = true;
			long retry = 0;
			for (int i = 0; i < quotas.size(); i++) {
				Quota quota = quotas.get(i);
				ArrayDeque<Long> log = this.logs.computeIfAbsent(quota.counterKey(), (key) -> new ArrayDeque<>());
				long window = quota.window().toNanos();
				while (!log.isEmpty() && log.peekFirst() <= now - window) {
					log.pollFirst();
				}
				selected.add(log);
				full[i] = log.size() >= quota.limit();
				if (full[i] && !quota.shadow()) {
					allowed = false;
					retry = Math.max(retry, nth(log, (int) (log.size() - quota.limit())) + window - now);
				}
			}
			List<QuotaUsage> usages = new ArrayList<>(quotas.size());
			for (int i = 0; i < quotas.size(); i++) {
				Quota quota = quotas.get(i);
				ArrayDeque<Long> log = selected.get(i);
				if (allowed && !full[i]) {
					log.addLast(now);
				}
				long reset = log.isEmpty() ? 0 : log.peekLast() + quota.window().toNanos() - now;
				usages.add(new QuotaUsage(quota, log.size(), Duration.ofNanos(reset), full[i]));
			}
			return new RateLimitDecision(allowed, usages, Duration.ofNanos(retry));
		}

		private static long nth(ArrayDeque<Long> log, int index) {
			Iterator<Long> iterator = log.iterator();
			for (int i = 0; i < index; i++) {
				iterator.next();
			}
			return iterator.next();
		}

	}

}
