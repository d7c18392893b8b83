package dev.tenantlimit.limiter;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.tenantlimit.quota.Quota;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Applies the {@link FailMode} when the shared limiter cannot decide: {@code LOCAL} asks an
 * in-memory limiter, {@code OPEN} admits without counting, {@code CLOSED} lets the
 * {@link RateLimiterUnavailableException} through. The switch is logged once each way, not
 * once per request.
 */
public class FailoverRateLimiter implements RateLimiter {

	private static final Log logger = LogFactory.getLog(FailoverRateLimiter.class);

	private final RateLimiter shared;

	private final FailMode failMode;

	private final RateLimiter local;

	private final AtomicBoolean failing = new AtomicBoolean();

	public FailoverRateLimiter(RateLimiter shared, FailMode failMode, RateLimiter local) {
		this.shared = shared;
		this.failMode = failMode;
		this.local = local;
	}

	@Override
	public RateLimitDecision tryAcquire(String tenantId, List<Quota> quotas) {
		RateLimitDecision decision;
		try {
			decision = this.shared.tryAcquire(tenantId, quotas);
		}
		catch (RateLimiterUnavailableException ex) {
			if (this.failing.compareAndSet(false, true)) {
				logger.warn("Shared rate limiter unavailable, fail mode " + this.failMode, ex);
			}
			return fallback(tenantId, quotas, ex);
		}
		if (this.failing.compareAndSet(true, false)) {
			logger.info("Shared rate limiter available again");
		}
		return decision;
	}

	/** Whether the last decision could not be made by the shared limiter. */
	public boolean isFailing() {
		return this.failing.get();
	}

	private RateLimitDecision fallback(String tenantId, List<Quota> quotas, RateLimiterUnavailableException ex) {
		return switch (this.failMode) {
			case LOCAL -> this.local.tryAcquire(tenantId, quotas);
			case OPEN -> new RateLimitDecision(true, List.of(), Duration.ZERO);
			case CLOSED -> throw ex;
		};
	}

}
