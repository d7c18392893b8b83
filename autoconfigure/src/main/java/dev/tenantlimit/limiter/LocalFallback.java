package dev.tenantlimit.limiter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import dev.tenantlimit.quota.CounterDimensions;
import dev.tenantlimit.quota.Quota;
import org.jspecify.annotations.Nullable;

/**
 * Decides while the shared limiter cannot: each quota divided among the live instances, and,
 * until what the shared limiter last counted has left its window, no more than this instance's
 * share of what it said remained. Admitted requests are recorded for the write-back.
 *
 * <p>Across an outage shorter than a window, instances that had all just heard from the shared
 * limiter admit together at most what it said remained; an instance that heard earlier admits at
 * most its share of what had remained then (the slack of uneven traffic), and one that never
 * decided the tenant its share of the full limit.
 */
public class LocalFallback implements RateLimiter {

	private final LocalSlidingWindowRateLimiter local;

	private final SharedCounts counts;

	private final LocalAdmissions admissions;

	private final IntSupplier instances;

	private final LongSupplier nanoTime;

	/** Per tenant and quota: what is left of this instance's share of what remained. */
	private final Map<String, Map<Quota, Allowance>> allowances = new ConcurrentHashMap<>();

	public LocalFallback(LocalSlidingWindowRateLimiter local, SharedCounts counts, LocalAdmissions admissions,
			IntSupplier instances) {
		this(local, counts, admissions, instances, System::nanoTime);
	}

	LocalFallback(LocalSlidingWindowRateLimiter local, SharedCounts counts, LocalAdmissions admissions,
			IntSupplier instances, LongSupplier nanoTime) {
		this.local = local;
		this.counts = counts;
		this.admissions = admissions;
		this.instances = instances;
		this.nanoTime = nanoTime;
	}

	@Override
	public RateLimitDecision tryAcquire(String tenantId, List<Quota> quotas) {
		int instances = Math.max(1, this.instances.getAsInt());
		long now = this.nanoTime.getAsLong();
		List<Quota> shares = new ArrayList<>(quotas.size());
		for (Quota quota : quotas) {
			shares.add((instances == 1) ? quota : quota.share(instances));
		}
		List<Allowance.Taken> taken = new ArrayList<>(quotas.size());
		for (int i = 0; i < quotas.size(); i++) {
			Allowance allowance = allowance(tenantId, quotas.get(i), instances, now);
			if (allowance == null) {
				continue;
			}
			if (!allowance.tryTake(now, quotas.get(i).cost())) {
				taken.forEach(Allowance.Taken::giveBack);
				return exhausted(shares, i, Duration.ofNanos(allowance.until() - now));
			}
			taken.add(new Allowance.Taken(allowance, quotas.get(i).cost()));
		}
		RateLimitDecision decision = this.local.tryAcquire(tenantId, shares);
		if (decision.allowed()) {
			this.admissions.record(tenantId, quotas, now);
		}
		else {
			taken.forEach(Allowance.Taken::giveBack);
		}
		return decision.asFallback();
	}

	/** Remember a decision of the shared limiter, received at {@code nanoTime}: where an outage starts from. */
	public void remember(String tenantId, RateLimitDecision decision, long nanoTime) {
		this.counts.remember(tenantId, decision, nanoTime);
	}

	/** Take what was admitted here since the last call, for the write-back. */
	List<LocalAdmissions.Batch> drain(long nanoTime) {
		return this.admissions.drain(nanoTime);
	}

	/** Whether requests were admitted here and not written back yet. */
	boolean hasPending() {
		return this.admissions.hasPending();
	}

	/** The shared limiter now counts {@code batch}: what was last seen of it is that much fuller. */
	void wroteBack(LocalAdmissions.Batch batch) {
		this.counts.add(batch.tenantId(), batch.quota(), batch.total());
	}

	/**
	 * The shared limiter decides again and holds what was admitted here: the next outage starts
	 * from what it says then. The in-memory windows stay, so an instance admits at most its share
	 * of the limit in any window, however many outages the window sees.
	 */
	void startAfresh() {
		this.allowances.clear();
	}

	private @Nullable Allowance allowance(String tenantId, Quota quota, int instances, long now) {
		if (quota.shadow()) {
			return null;
		}
		Map<Quota, Allowance> tenant = this.allowances.computeIfAbsent(tenantId, (id) -> new ConcurrentHashMap<>());
		if (tenant.size() > CounterDimensions.MAX_REMEMBERED_PER_TENANT) {
			tenant.keySet().removeIf(Quota::isPerValues);
		}
		Allowance allowance = tenant.get(quota);
		if (allowance != null && now - allowance.until() < 0) {
			return allowance;
		}
		// none yet, or what it was taken from has left the window: from what was seen since, if anything
		SharedCounts.Seen seen = this.counts.lastSeen(tenantId, quota);
		if (seen == null || seen.countedUntil() - now <= 0) {
			return null;
		}
		Allowance fresh = new Allowance(seen.remaining() / instances, seen.countedUntil());
		return (allowance == null) ? tenant.computeIfAbsent(quota, (key) -> fresh)
				: tenant.merge(quota, fresh, (old, next) -> (now - old.until() < 0) ? old : next);
	}

	/** A refusal by quota {@code index}'s allowance; the other quotas are reported untouched. */
	private static RateLimitDecision exhausted(List<Quota> shares, int index, Duration wait) {
		List<QuotaUsage> usages = new ArrayList<>(shares.size());
		for (int i = 0; i < shares.size(); i++) {
			Quota share = shares.get(i);
			usages.add((i == index) ? new QuotaUsage(share, share.capacity(), wait, true)
					: new QuotaUsage(share, 0, Duration.ZERO, false));
		}
		return new RateLimitDecision(false, usages, wait, true);
	}

	/** Units this instance may still admit until {@code until} (nanoTime); none left below 0. */
	private static final class Allowance {

		/** What one request took from an allowance, to give back when another quota refuses it. */
		record Taken(Allowance allowance, long units) {

			void giveBack() {
				this.allowance.left.addAndGet(this.units);
			}

		}

		private final AtomicLong left;

		private final long until;

		Allowance(long left, long until) {
			this.left = new AtomicLong(left);
			this.until = until;
		}

		long until() {
			return this.until;
		}

		boolean tryTake(long now, long units) {
			if (now - this.until >= 0) {
				return true;
			}
			if (this.left.addAndGet(-units) >= 0) {
				return true;
			}
			this.left.addAndGet(units);
			return false;
		}

	}

}
