package dev.tenantlimit.quota;

import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import org.springframework.util.AntPathMatcher;

/**
 * At most {@code limit} requests in any interval of length {@code window}, counted over the
 * requests whose path matches {@code path} and whose method is in {@code methods} (all methods
 * when empty).
 *
 * @param id the stored id, or {@code null} for a quota from configuration
 * @param limit requests admitted per window, at least 1
 * @param window length of the sliding window, at least one second
 * @param path Ant-style path pattern, {@code /**} for every path
 * @param methods upper-case HTTP methods; empty for every method
 * @param shadow whether the quota only reports what it would refuse (counted, never enforced)
 */
public record Quota(@Nullable Long id, long limit, Duration window, String path, Set<String> methods,
		boolean shadow) {

	/** Pattern that matches every path. */
	public static final String ALL_PATHS = "/**";

	/** Shortest window a quota may have. */
	public static final Duration MIN_WINDOW = Duration.ofSeconds(1);

	private static final AntPathMatcher PATH_MATCHER = new AntPathMatcher();

	private static final Set<String> HTTP_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
			"OPTIONS", "TRACE");

	public Quota {
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be at least 1, was " + limit);
		}
		if (window.compareTo(MIN_WINDOW) < 0) {
			throw new IllegalArgumentException("window must be at least 1s, was " + window);
		}
		if (path.isEmpty() || path.charAt(0) != '/') {
			throw new IllegalArgumentException("path must start with '/', was '" + path + "'");
		}
		methods = normalize(methods);
	}

	/** An enforced quota. */
	public Quota(@Nullable Long id, long limit, Duration window, String path, Set<String> methods) {
		this(id, limit, window, path, methods, false);
	}

	/** A quota over every path and method. */
	public static Quota of(long limit, Duration window) {
		return new Quota(null, limit, window, ALL_PATHS, Set.of());
	}

	/** Whether a request with this method and path counts against this quota. */
	public boolean matches(String method, String requestPath) {
		return (this.methods.isEmpty() || this.methods.contains(method))
				&& (ALL_PATHS.equals(this.path) || PATH_MATCHER.match(this.path, requestPath));
	}

	/**
	 * Identifies the counter of this quota within its tenant. It is derived from what the quota
	 * counts, not from its id, so replacing a tenant's quotas with an equal set keeps the counts,
	 * and a lowered limit applies to the requests already admitted.
	 */
	public String counterKey() {
		StringBuilder key = new StringBuilder("w").append(this.window.toMillis());
		if (!ALL_PATHS.equals(this.path)) {
			key.append(':').append(this.path);
		}
		if (!this.methods.isEmpty()) {
			key.append(':').append(String.join(",", this.methods));
		}
		return key.toString();
	}

	/** This quota with another limit: same counter, same shadow mode. */
	public Quota withLimit(long newLimit) {
		return new Quota(this.id, newLimit, this.window, this.path, this.methods, this.shadow);
	}

	/**
	 * Name of this quota in {@code RateLimit-Policy} headers and problem answers, from its
	 * window: {@code per-second}, {@code per-minute}, {@code per-hour}, {@code per-day}, else
	 * {@code per-<seconds>s}.
	 */
	public String policyName() {
		long seconds = this.window.toSeconds();
		if (seconds == 1) {
			return "per-second";
		}
		if (seconds == 60) {
			return "per-minute";
		}
		if (seconds == 3600) {
			return "per-hour";
		}
		if (seconds == 86400) {
			return "per-day";
		}
		return "per-" + seconds + "s";
	}

	private static Set<String> normalize(Set<String> methods) {
		Set<String> upper = new TreeSet<>();
		for (String method : methods) {
			String trimmed = method.trim().toUpperCase(Locale.ROOT);
			if (!HTTP_METHODS.contains(trimmed)) {
				throw new IllegalArgumentException("'" + method + "' is not an HTTP method");
			}
			upper.add(trimmed);
		}
		return Collections.unmodifiableSet(upper);
	}

}
