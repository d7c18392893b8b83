package dev.tenantlimit.limiter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.tenant.TenantChange;
import dev.tenantlimit.tenant.TenantChangeListener;
import org.jspecify.annotations.Nullable;

/**
 * Answers a tenant's requests from memory while one of their quotas is known to be full, so a
 * flood of refused requests does not reach Redis. A refusal by one quota with Retry-After r is
 * remembered for r, measured from before the request was sent: Redis computed r later, so the
 * remembered refusal ends no later than the real one, and nothing Redis would admit is refused
 * here. Only that quota's requests are refused (other paths of the tenant still go to Redis), and
 * an admin change or usage reset of the tenant forgets its refusals at once. A refusal is kept at
 * most {@code maxAge} (its Retry-After still counts down from the real one): permits that another
 * instance's lease gives back unused are found again within that, at the cost of a Redis call per
 * {@code maxAge} for a tenant that keeps being refused.
 */
public class DenyCachingRateLimiter implements RateLimiter, TenantChangeListener, AutoCloseable {

	private static final char SEPARATOR = '\0';

	/** Default of {@code tenantlimit.deny-cache.max-age}. */
	public static final Duration MAX_AGE = Duration.ofMillis(250);

	private final RateLimiter delegate;

	private final LongSupplier nanoTime;

	private final Cache<String, Denial> denials;

	/**
	 * The latest time (nanoTime) any remembered refusal lasts: until then lookups are needed,
	 * after it none is (a hot tenant under its limit builds no key). Not the cache's size: an
	 * expired entry stays counted until the cache's maintenance removes it.
	 */
	private final AtomicLong deniedUntil;

	public DenyCachingRateLimiter(RateLimiter delegate) {
		this(delegate, MAX_AGE);
	}

	/**
	 * @param maxAge longest a refusal is answered from memory before Redis is asked again, however
	 * long its Retry-After: permits that leases give back early are found within that
	 */
	public DenyCachingRateLimiter(RateLimiter delegate, Duration maxAge) {
		this(delegate, System::nanoTime, maxAge);
	}

	DenyCachingRateLimiter(RateLimiter delegate, LongSupplier nanoTime) {
		this(delegate, nanoTime, MAX_AGE);
	}

	DenyCachingRateLimiter(RateLimiter delegate, LongSupplier nanoTime, Duration maxAge) {
		this.delegate = delegate;
		this.nanoTime = nanoTime;
		this.deniedUntil = new AtomicLong(nanoTime.getAsLong());
		this.denials = Caffeine.newBuilder()
			.maximumSize(100_000)
			.expireAfter(Expiry.<String, Denial>writing((key, denial) -> min(denial.ttl(), maxAge)))
			.build();
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	@Override
	public RateLimitDecision tryAcquire(String tenantId, List<Quota> quotas) {
		long start = this.nanoTime.getAsLong();
		RateLimitDecision remembered = remembered(tenantId, quotas, start);
		if (remembered != null) {
			return remembered;
		}
		RateLimitDecision decision = this.delegate.tryAcquire(tenantId, quotas);
		if (decision.allowed() || decision.fallback()) {
			// a refusal of the fallback is of this instance's share, stricter than the shared limiter
			return decision;
		}
		List<QuotaUsage> violated = decision.violated();
		// with several full quotas the reply does not say when each frees up: remember none
		// a full shard says nothing of the tenant's other shards: sharded quotas are not remembered
		if (violated.size() == 1 && violated.get(0).quota().shards() == 1
				&& decision.retryAfter().compareTo(Duration.ZERO) > 0) {
			QuotaUsage usage = violated.get(0);
			long until = start + decision.retryAfter().toNanos();
			this.deniedUntil.accumulateAndGet(until, (current, next) -> (next - current > 0) ? next : current);
			this.denials.put(key(tenantId, usage.quota()), new Denial(usage, until, decision.retryAfter()));
		}
		return decision;
	}

	@Override
	public void close() throws Exception {
		if (this.delegate instanceof AutoCloseable closeable) {
			closeable.close();
		}
	}

	@Override
	public void apply(TenantChange change) {
		switch (change.kind()) {
			case TENANT -> {
				String prefix = change.id() + SEPARATOR;
				this.denials.asMap().keySet().removeIf((key) -> key.startsWith(prefix));
			}
			case ALL -> this.denials.invalidateAll();
			case API_KEY -> {
				// keys do not change what is counted
			}
		}
	}

	private @Nullable RateLimitDecision remembered(String tenantId, List<Quota> quotas, long now) {
		if (now - this.deniedUntil.get() >= 0) {
			// every remembered refusal is over (a hot tenant under its limit): no key, no lookup
			return null;
		}
		List<QuotaUsage> usages = null;
		long wait = 0;
		for (Quota quota : quotas) {
			Denial denial = this.denials.getIfPresent(key(tenantId, quota));
			if (denial != null && denial.until() - now > 0 && denial.usage().quota().sameRule(quota)) {
				long left = denial.until() - now;
				wait = Math.max(wait, left);
				QuotaUsage usage = denial.usage();
				Duration reset = usage.resetAfter().minus(denial.ttl()).plusNanos(left);
				if (usages == null) {
					usages = new ArrayList<>(quotas.size());
				}
				usages.add(new QuotaUsage(quota, usage.used(), reset.isNegative() ? Duration.ZERO : reset, true));
			}
		}
		return (usages == null) ? null : new RateLimitDecision(false, usages, Duration.ofNanos(wait));
	}

	private static String key(String tenantId, Quota quota) {
		return tenantId + SEPARATOR + quota.counterKey();
	}

	/** A refusal remembered until {@code until} (nanoTime), written {@code ttl} before it. */
	private record Denial(QuotaUsage usage, long until, Duration ttl) {

	}

}
