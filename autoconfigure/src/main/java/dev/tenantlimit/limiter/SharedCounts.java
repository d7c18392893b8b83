package dev.tenantlimit.limiter;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tenantlimit.quota.CounterDimensions;
import dev.tenantlimit.quota.Quota;
import org.jspecify.annotations.Nullable;

/**
 * What the shared limiter last said of each tenant's quotas on this instance: how many requests
 * remained and until when those counted then stay counted. The fallback starts from it, so an
 * outage does not hand every instance a fresh share of a window that was already partly used.
 */
public class SharedCounts {

	private final Cache<String, Map<Quota, Seen>> tenants = Caffeine.newBuilder()
		.maximumSize(100_000)
		.expireAfterAccess(Duration.ofDays(1))
		.build();

	/** Remember a decision of the shared limiter, received at {@code nanoTime}. */
	public void remember(String tenantId, RateLimitDecision decision, long nanoTime) {
		Map<Quota, Seen> quotas = this.tenants.get(tenantId, (id) -> new ConcurrentHashMap<>());
		for (QuotaUsage usage : decision.usages()) {
			quotas.put(usage.quota(), new Seen(usage.remaining(), nanoTime + usage.resetAfter().toNanos()));
		}
		if (quotas.size() > CounterDimensions.MAX_REMEMBERED_PER_TENANT) {
			quotas.keySet().removeIf(Quota::isPerValues);
		}
	}

	/** Count {@code admitted} more requests against what was last seen (they were written back). */
	public void add(String tenantId, Quota quota, long admitted) {
		Map<Quota, Seen> quotas = this.tenants.getIfPresent(tenantId);
		if (quotas != null) {
			quotas.computeIfPresent(quota,
					(key, seen) -> new Seen(Math.max(0, seen.remaining() - admitted), seen.countedUntil()));
		}
	}

	/** What was last seen of this quota, or {@code null} when this instance never decided it. */
	public @Nullable Seen lastSeen(String tenantId, Quota quota) {
		Map<Quota, Seen> quotas = this.tenants.getIfPresent(tenantId);
		return (quotas != null) ? quotas.get(quota) : null;
	}

	/**
	 * One quota as the shared limiter last reported it.
	 *
	 * @param remaining requests it still admitted then
	 * @param countedUntil nanoTime until which every request it had counted then stays counted
	 */
	public record Seen(long remaining, long countedUntil) {

	}

}
