package dev.tenantlimit.quota;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;


/**
 * At most {@code limit} units in any interval of length {@code window}, counted over the requests
 * whose path matches {@code path} and whose method is in {@code methods} (all methods when empty);
 * each such request uses {@code cost} units, one by default.
 *
 * @param id the stored id, or {@code null} for a quota from configuration
 * @param limit units admitted per window (requests, when the cost is 1), at least 1
 * @param window length of the sliding window, at least one second
 * @param path Ant-style path pattern, {@code /**} for every path
 * @param methods upper-case HTTP methods; empty for every method
 * @param shadow whether the quota only reports what it would refuse (counted, never enforced)
 * @param algorithm how the requests are counted
 * @param burst for {@link Algorithm#TOKEN_BUCKET}: the bucket's size, 0 for {@code limit}; 0 for
 * every other algorithm
 * @param shards number of Redis keys (in different cluster slots) the tenant's counters are
 * spread over, each enforcing its share of the limit; 1 for one key, the exact default
 * @param lease whether an instance may reserve this quota's permits in batches for a hot tenant
 * (every permit still counted in Redis before it is used); false decides every request in Redis
 * @param cost units of the limit one matching request uses, at least 1 (1: the limit counts
 * requests); {@code used} and {@code remaining} are in units
 * @param per what the quota is counted for within the tenant (see {@link CounterDimensions}):
 * empty for one count per tenant; {@code [client-ip]} for one per client address
 * @param perKey for a quota with {@code per}, a digest of one request's values of those
 * dimensions ({@link #forValues}), which names its counter; empty for the quota as declared
 * @param charged whether what the application charges after the work ({@code TenantContext.charge},
 * the {@code TenantLimit-Charge} header) counts against this quota; such a quota may have a cost
 * of 0 (only charges count) and is decided in Redis on every request, never from a lease
 * @param delay how long a request this quota would refuse may be held until the quota admits it
 * (shaping, the leaky bucket's queue); zero refuses at once
 */
public record Quota(@Nullable Long id, long limit, Duration window, String path, Set<String> methods,
		boolean shadow, Algorithm algorithm, long burst, int shards, boolean lease, long cost, List<String> per,
		String perKey, boolean charged, Duration delay) {

	/** Pattern that matches every path. */
	public static final String ALL_PATHS = "/**";

	/** Shortest window a quota may have. */
	public static final Duration MIN_WINDOW = Duration.ofSeconds(1);

	/** Longest a request may be held by a quota's {@code delay}. */
	public static final Duration MAX_DELAY = Duration.ofSeconds(30);

	/**
	 * Largest limit of a sliding log: it keeps one entry per unit, so its memory and the entries
	 * one call may write (a request's cost, a lease, a charge) grow with the limit. Larger limits
	 * are counted by the sliding counter or the token bucket, whose memory does not grow.
	 */
	public static final long MAX_LOG_LIMIT = 100_000;

	/** Most shards a quota may be spread over. */
	public static final int MAX_SHARDS = 64;

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
		if (burst < 0 || (burst > 0 && algorithm != Algorithm.TOKEN_BUCKET)) {
			throw new IllegalArgumentException("burst must be at least 1 and applies to token-bucket only, was " + burst);
		}
		if (algorithm == Algorithm.SLIDING_LOG && limit > MAX_LOG_LIMIT) {
			throw new IllegalArgumentException("a sliding-log keeps one entry per unit: its limit must be at most "
					+ MAX_LOG_LIMIT + " (sliding-counter or token-bucket count more), was " + limit);
		}
		if (shards < 1 || shards > MAX_SHARDS || shards > limit) {
			throw new IllegalArgumentException(
					"shards must be from 1 to " + MAX_SHARDS + " and at most the limit, was " + shards);
		}
		if (cost < 0 || (cost == 0 && !charged)) {
			throw new IllegalArgumentException("cost must be at least 1 (0 only for a charged quota), was " + cost);
		}
		per = CounterDimensions.check(per);
		if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
			throw new IllegalArgumentException("delay must be from 0 to " + MAX_DELAY.toSeconds() + "s, was " + delay);
		}
	}

	/** A quota counted once per tenant. */
	public Quota(@Nullable Long id, long limit, Duration window, String path, Set<String> methods, boolean shadow,
			Algorithm algorithm, long burst, int shards, boolean lease, long cost) {
		this(id, limit, window, path, methods, shadow, algorithm, burst, shards, lease, cost, List.of(), "", false,
				Duration.ZERO);
	}

	/** A quota where each request costs one unit. */
	public Quota(@Nullable Long id, long limit, Duration window, String path, Set<String> methods, boolean shadow,
			Algorithm algorithm, long burst, int shards, boolean lease) {
		this(id, limit, window, path, methods, shadow, algorithm, burst, shards, lease, 1);
	}

	/** A quota that may be leased. */
	public Quota(@Nullable Long id, long limit, Duration window, String path, Set<String> methods, boolean shadow,
			Algorithm algorithm, long burst, int shards) {
		this(id, limit, window, path, methods, shadow, algorithm, burst, shards, true);
	}

	/** A quota counted by the {@link Algorithm#AUTO automatic} algorithm on one key. */
	public Quota(@Nullable Long id, long limit, Duration window, String path, Set<String> methods, boolean shadow) {
		this(id, limit, window, path, methods, shadow, Algorithm.AUTO, 0, 1);
	}

	/** An enforced quota. */
	public Quota(@Nullable Long id, long limit, Duration window, String path, Set<String> methods) {
		this(id, limit, window, path, methods, false);
	}

	/**
	 * Where the path of a handler's quota starts: it names the handler, not requests to match, and
	 * no configured or stored quota can have it ({@link PathPatterns#problem} refuses {@code ;}),
	 * so a handler's counter never shares a key with a tenant's.
	 */
	public static final String HANDLER_PATH_PREFIX = "/;handler=";

	/**
	 * The quota a handler declares ({@code @RateLimited}): counted for the requests the handler
	 * serves, found by the handler, never by {@link #matches}.
	 * @param handler names the handler or controller, unique in the application
	 */
	public static Quota forHandler(String handler, long limit, Duration window, long cost) {
		return new Quota(null, limit, window, HANDLER_PATH_PREFIX + handler, Set.of(), false, Algorithm.AUTO, 0, 1, true,
				cost);
	}

	/** Whether this quota is a handler's ({@link #forHandler}). */
	public boolean isHandlerQuota() {
		return this.path.startsWith(HANDLER_PATH_PREFIX);
	}

	/** A quota over every path and method. */
	public static Quota of(long limit, Duration window) {
		return new Quota(null, limit, window, ALL_PATHS, Set.of());
	}

	/**
	 * Whether a request with this method and path counts against this quota. HEAD is a GET without
	 * the body (the controller runs all the same), so a GET quota counts it.
	 */
	public boolean matches(String method, String requestPath) {
		return (this.methods.isEmpty() || this.methods.contains(method)
				|| ("HEAD".equals(method) && this.methods.contains("GET")))
				&& (ALL_PATHS.equals(this.path) || PathPatterns.matches(this.path, requestPath));
	}

	/**
	 * Identifies the counter of this quota within its tenant. It is derived from what the quota
	 * counts, not from its id, so replacing a tenant's quotas with an equal set keeps the counts,
	 * and a lowered limit applies to the requests already admitted. Unambiguous: {@code :} (and
	 * {@code %}) in the path are escaped, so path {@code /a:GET} and path {@code /a} with method
	 * GET have two counters; a path part starts with {@code /}, a methods part never does. A
	 * charged quota has a counter of its own ({@code :$}): what the application charges must not
	 * count against a quota of the same window, path and methods that is not charged.
	 */
	public String counterKey() {
		StringBuilder key = new StringBuilder("w").append(this.window.toMillis());
		if (!ALL_PATHS.equals(this.path)) {
			key.append(':').append(this.path.replace("%", "%25").replace(":", "%3A"));
		}
		if (!this.methods.isEmpty()) {
			key.append(':').append(String.join(",", this.methods));
		}
		if (!this.per.isEmpty()) {
			// a per part starts with '=', which neither a path part nor a methods part does
			key.append(":=").append(String.join(",", this.per).replace("%", "%25").replace(":", "%3A"));
			key.append('=').append(this.perKey);
		}
		if (this.charged) {
			// '$' starts no other part
			key.append(":$");
		}
		return key.toString();
	}

	/** Whether this quota counts one request's values of {@link #per} ({@link #forValues}). */
	public boolean isPerValues() {
		return !this.perKey.isEmpty();
	}

	/**
	 * One instance's share of this quota when {@code instances} share it without Redis: limit and
	 * burst divided (at least 1), one shard, same counter, same shadow mode.
	 */
	public Quota share(int instances) {
		long burstShare = (this.burst > 0) ? Math.max(1, this.burst / instances) : 0;
		return new Quota(this.id, Math.max(1, this.limit / instances), this.window, this.path, this.methods,
				this.shadow, this.algorithm, burstShare, 1, this.lease, this.cost, this.per, this.perKey, this.charged, this.delay);
	}

	/** This quota counted by another algorithm ({@code burst} is dropped unless a token bucket). */
	public Quota withAlgorithm(Algorithm newAlgorithm, long newBurst) {
		return new Quota(this.id, this.limit, this.window, this.path, this.methods, this.shadow, newAlgorithm,
				newBurst, this.shards, this.lease, this.cost, this.per, this.perKey, this.charged, this.delay);
	}

	/** This quota spread over {@code newShards} keys. */
	public Quota withShards(int newShards) {
		return new Quota(this.id, this.limit, this.window, this.path, this.methods, this.shadow, this.algorithm,
				this.burst, newShards, this.lease, this.cost, this.per, this.perKey, this.charged, this.delay);
	}

	/** This quota with leases allowed or not. */
	public Quota withLease(boolean newLease) {
		return new Quota(this.id, this.limit, this.window, this.path, this.methods, this.shadow, this.algorithm,
				this.burst, this.shards, newLease, this.cost, this.per, this.perKey, this.charged, this.delay);
	}

	/** This quota with each request using {@code newCost} units. */
	public Quota withCost(long newCost) {
		return new Quota(this.id, this.limit, this.window, this.path, this.methods, this.shadow, this.algorithm,
				this.burst, this.shards, this.lease, newCost, this.per, this.perKey, this.charged, this.delay);
	}

	/** This quota holding a request it would refuse for up to {@code newDelay}. */
	public Quota withDelay(Duration newDelay) {
		return new Quota(this.id, this.limit, this.window, this.path, this.methods, this.shadow, this.algorithm,
				this.burst, this.shards, this.lease, this.cost, this.per, this.perKey, this.charged, newDelay);
	}

	/** This quota with what the application charges counted against it, or not. */
	public Quota withCharged(boolean newCharged) {
		return new Quota(this.id, this.limit, this.window, this.path, this.methods, this.shadow, this.algorithm,
				this.burst, this.shards, this.lease, this.cost, this.per, this.perKey, newCharged, this.delay);
	}

	/**
	 * Units a request needs free to be admitted: its cost, and one for a charged quota of cost 0,
	 * which refuses once charges have filled it.
	 */
	public long unitsToEnter() {
		return Math.max(1, this.cost);
	}

	/** This quota counted for each value of {@code dimensions} within the tenant. */
	public Quota withPer(List<String> dimensions) {
		return new Quota(this.id, this.limit, this.window, this.path, this.methods, this.shadow, this.algorithm,
				this.burst, this.shards, this.lease, this.cost, dimensions, "", this.charged, this.delay);
	}

	/**
	 * This quota as it counts one request: under the counter of {@code key}, the digest of the
	 * request's values of {@link #per} ({@link CounterDimensions#key}).
	 */
	public Quota forValues(String key) {
		return new Quota(this.id, this.limit, this.window, this.path, this.methods, this.shadow, this.algorithm,
				this.burst, this.shards, this.lease, this.cost, this.per, key, this.charged, this.delay);
	}

	/**
	 * The most a request may cost: what the smallest shard holds when full. A request that costs
	 * more could never be admitted.
	 */
	public long largestCost() {
		return capacity() / this.shards;
	}

	/**
	 * Units a full quota holds: the bucket size for a token bucket with a burst, else the limit.
	 */
	public long capacity() {
		return (this.burst > 0) ? this.burst : this.limit;
	}

	/**
	 * From the components that are cheap to hash and most likely to differ, so consistent with
	 * {@code equals}: quotas are map keys on the request path (leases, the fallback's counts), and
	 * the record's own hash would walk the methods set and the {@code per} list on every lookup
	 * (5 % of the JVM's samples over 1,000 tenants).
	 */
	@Override
	public int hashCode() {
		int hash = Long.hashCode(this.limit);
		hash = 31 * hash + this.window.hashCode();
		hash = 31 * hash + this.path.hashCode();
		hash = 31 * hash + Objects.hashCode(this.algorithm);
		hash = 31 * hash + Long.hashCode(this.cost);
		hash = 31 * hash + Objects.hashCode(this.perKey);
		return 31 * hash + Objects.hashCode(this.id);
	}

	/** Same counting rule as {@code other}: everything but the stored id. */
	public boolean sameRule(Quota other) {
		return this.limit == other.limit && this.window.equals(other.window) && this.path.equals(other.path)
				&& this.methods.equals(other.methods) && this.shadow == other.shadow
				&& this.algorithm == other.algorithm && this.burst == other.burst && this.shards == other.shards
				&& this.lease == other.lease && this.cost == other.cost && this.per.equals(other.per)
				&& this.perKey.equals(other.perKey) && this.charged == other.charged && this.delay.equals(other.delay);
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
