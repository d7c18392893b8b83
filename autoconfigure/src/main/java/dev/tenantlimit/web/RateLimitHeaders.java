package dev.tenantlimit.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.tenantlimit.limiter.QuotaUsage;
import dev.tenantlimit.limiter.RateLimitDecision;
import dev.tenantlimit.quota.Quota;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

/**
 * Writes the rate-limit headers of draft-ietf-httpapi-ratelimit-headers-11 (Structured Fields):
 * {@code RateLimit-Policy: "per-minute";q=100;w=60, "per-day";q=1000;w=86400} for every quota that
 * applied, and {@code RateLimit: "per-minute";r=42;t=17} for the one closest to its limit (the
 * violated one on a 429). Optionally also {@code X-RateLimit-Limit/Remaining/Reset} for older
 * clients.
 */
public class RateLimitHeaders {

	private final boolean legacy;

	/**
	 * The last {@code RateLimit-Policy} written, with the quotas it was for: a hot tenant's
	 * requests, and every tenant of the default quotas, match the same quota instances, so the
	 * header is built once for them instead of on every request.
	 */
	private volatile @Nullable Policy last;

	/** @param legacy whether to add {@code X-RateLimit-*} headers too */
	public RateLimitHeaders(boolean legacy) {
		this.legacy = legacy;
	}

	/** Write the headers of a decision with at least one counted quota. */
	public void write(HttpServletResponse response, RateLimitDecision decision) {
		List<QuotaUsage> usages = decision.usages();
		if (usages.isEmpty()) {
			return;
		}
		Policy policy = this.last;
		if (policy == null || !policy.isFor(usages)) {
			List<String> names = policyNames(usages);
			List<Quota> quotas = new ArrayList<>(usages.size());
			usages.forEach((usage) -> quotas.add(usage.quota()));
			policy = new Policy(quotas, names, policy(usages, names));
			this.last = policy;
		}
		QuotaUsage shown = decision.allowed() ? decision.closestToLimit().orElseThrow() : lastToReset(decision.violated());
		response.setHeader("RateLimit-Policy", policy.header());
		response.setHeader("RateLimit", rateLimit(shown, policy.names().get(indexOf(usages, shown))));
		if (this.legacy) {
			response.setHeader("X-RateLimit-Limit", Long.toString(shown.quota().limit()));
			response.setHeader("X-RateLimit-Remaining", Long.toString(shown.remaining()));
			response.setHeader("X-RateLimit-Reset", Long.toString(seconds(shown.resetAfter())));
		}
		if (!decision.allowed()) {
			response.setHeader("Retry-After", Long.toString(retryAfterSeconds(decision.retryAfter())));
		}
	}

	private static QuotaUsage lastToReset(List<QuotaUsage> violated) {
		QuotaUsage last = violated.get(0);
		for (QuotaUsage usage : violated) {
			if (usage.resetAfter().compareTo(last.resetAfter()) > 0) {
				last = usage;
			}
		}
		return last;
	}

	private static int indexOf(List<QuotaUsage> usages, QuotaUsage usage) {
		for (int i = 0; i < usages.size(); i++) {
			if (usages.get(i) == usage) {
				return i;
			}
		}
		return usages.indexOf(usage);
	}

	/**
	 * Policy names, one per usage: the quota's {@link dev.tenantlimit.quota.Quota#policyName()},
	 * with {@code -2}, {@code -3}... on repeats so each names one quota.
	 */
	public static List<String> policyNames(List<QuotaUsage> usages) {
		Map<String, Integer> seen = new HashMap<>();
		List<String> names = new ArrayList<>(usages.size());
		for (QuotaUsage usage : usages) {
			String base = usage.quota().policyName();
			int count = seen.merge(base, 1, Integer::sum);
			names.add((count == 1) ? base : base + "-" + count);
		}
		return names;
	}

	static String policy(List<QuotaUsage> usages, List<String> names) {
		StringBuilder header = new StringBuilder();
		for (int i = 0; i < usages.size(); i++) {
			QuotaUsage usage = usages.get(i);
			if (i > 0) {
				header.append(", ");
			}
			header.append('"')
				.append(names.get(i))
				.append("\";q=")
				.append(usage.quota().limit())
				.append(";w=")
				.append(usage.quota().window().toSeconds());
		}
		return header.toString();
	}

	static String rateLimit(QuotaUsage usage, String name) {
		return '"' + name + "\";r=" + usage.remaining() + ";t=" + seconds(usage.resetAfter());
	}

	/** Whole seconds, rounded up: a client that waits this long is never early. */
	public static long seconds(Duration duration) {
		long millis = duration.toMillis();
		return (millis <= 0) ? 0 : (millis + 999) / 1000;
	}

	/** {@code Retry-After} in whole seconds, at least 1. */
	public static long retryAfterSeconds(Duration retryAfter) {
		return Math.max(1, seconds(retryAfter));
	}

	/** A policy header and the quota instances it was built for. */
	private record Policy(List<Quota> quotas, List<String> names, String header) {

		boolean isFor(List<QuotaUsage> usages) {
			if (usages.size() != this.quotas.size()) {
				return false;
			}
			for (int i = 0; i < usages.size(); i++) {
				if (usages.get(i).quota() != this.quotas.get(i)) {
					return false;
				}
			}
			return true;
		}

	}

}
