package dev.tenantlimit.limiter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Whether a request was admitted, and where every quota that applied to it stands.
 *
 * @param allowed whether the request was admitted (and recorded in every quota)
 * @param usages one per quota that applied, in the order they were given
 * @param retryAfter when refused, the time until a retry can succeed; zero when allowed
 * @param fallback whether the decision was made without the shared limiter (fail mode)
 */
public record RateLimitDecision(boolean allowed, List<QuotaUsage> usages, Duration retryAfter, boolean fallback) {

	private static final Comparator<QuotaUsage> CLOSEST_TO_LIMIT = Comparator
		.comparingLong(QuotaUsage::remaining)
		.thenComparing(QuotaUsage::resetAfter, Comparator.reverseOrder());

	public RateLimitDecision {
		usages = List.copyOf(usages);
	}

	/** A decision of the shared limiter. */
	public RateLimitDecision(boolean allowed, List<QuotaUsage> usages, Duration retryAfter) {
		this(allowed, usages, retryAfter, false);
	}

	/** This decision, marked as made by the fallback. */
	public RateLimitDecision asFallback() {
		return new RateLimitDecision(this.allowed, this.usages, this.retryAfter, true);
	}

	/**
	 * The quota with the fewest requests left: the one a client should watch. Empty when no quota
	 * was counted (fail mode {@code OPEN}).
	 */
	public Optional<QuotaUsage> closestToLimit() {
		// loops, not streams: these run on every request
		QuotaUsage closest = null;
		for (QuotaUsage usage : this.usages) {
			if (closest == null || CLOSEST_TO_LIMIT.compare(usage, closest) < 0) {
				closest = usage;
			}
		}
		return Optional.ofNullable(closest);
	}

	/** The enforced quotas that refused the request; empty when it was allowed. */
	public List<QuotaUsage> violated() {
		return exceeded(false);
	}

	/** The shadow quotas that would have refused the request. */
	public List<QuotaUsage> shadowViolated() {
		return exceeded(true);
	}

	private List<QuotaUsage> exceeded(boolean shadow) {
		List<QuotaUsage> exceeded = null;
		for (QuotaUsage usage : this.usages) {
			if (usage.exceeded() && usage.quota().shadow() == shadow) {
				if (exceeded == null) {
					exceeded = new ArrayList<>(2);
				}
				exceeded.add(usage);
			}
		}
		return (exceeded == null) ? Collections.emptyList() : Collections.unmodifiableList(exceeded);
	}

}
