package dev.tenantlimit.limiter;

import java.time.Duration;
import java.util.List;

import dev.tenantlimit.quota.Quota;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Applies the {@link FailMode} when the shared limiter cannot decide: {@code LOCAL} asks an
 * in-memory limiter with this instance's share of each quota, {@code OPEN} admits without
 * counting, {@code CLOSED} lets the {@link RateLimiterUnavailableException} through. A
 * Resilience4j circuit breaker stops calling a shared limiter that keeps failing, and lets a
 * probe through every {@code retryInterval}; the switch to the fallback and back is logged once
 * each way.
 */
public class FailoverRateLimiter implements RateLimiter {

	private static final Log logger = LogFactory.getLog(FailoverRateLimiter.class);

	private final RateLimiter shared;

	private final RateLimiter local;

	private final FallbackState state;

	private final CircuitBreaker circuitBreaker;

	/**
	 * @param shared the limiter shared by every instance
	 * @param local the in-memory limiter of {@code LOCAL}
	 * @param state the fail mode, the instance count, and where this limiter reports whether it
	 * is falling back
	 * @param retryInterval how long the breaker stays open before it lets a probe through
	 */
	public FailoverRateLimiter(RateLimiter shared, RateLimiter local, FallbackState state, Duration retryInterval) {
		this.shared = shared;
		this.local = local;
		this.state = state;
		this.circuitBreaker = CircuitBreaker.of("tenantlimit-redis", CircuitBreakerConfig.custom()
			.slidingWindowSize(10)
			.minimumNumberOfCalls(5)
			.failureRateThreshold(50)
			.waitDurationInOpenState(retryInterval)
			.permittedNumberOfCallsInHalfOpenState(2)
			.recordExceptions(RateLimiterUnavailableException.class)
			.build());
	}

	@Override
	public RateLimitDecision tryAcquire(String tenantId, List<Quota> quotas) {
		RateLimitDecision decision;
		try {
			decision = this.circuitBreaker.executeSupplier(() -> this.shared.tryAcquire(tenantId, quotas));
		}
		catch (RateLimiterUnavailableException | CallNotPermittedException ex) {
			if (this.state.enter()) {
				logger.warn("Shared rate limiter unavailable (" + ex.getMessage() + "); fail mode " + this.state.mode());
			}
			return fallback(tenantId, quotas, ex);
		}
		if (this.state.leave()) {
			logger.info("Shared rate limiter available again");
		}
		return decision;
	}

	/** The breaker's state: CLOSED while the shared limiter works, OPEN while it is skipped. */
	public CircuitBreaker.State circuitState() {
		return this.circuitBreaker.getState();
	}

	private RateLimitDecision fallback(String tenantId, List<Quota> quotas, RuntimeException ex) {
		return switch (this.state.mode()) {
			case LOCAL -> this.local.tryAcquire(tenantId, share(quotas)).asFallback();
			case OPEN -> new RateLimitDecision(true, List.of(), Duration.ZERO, true);
			case CLOSED -> throw (ex instanceof RateLimiterUnavailableException unavailable) ? unavailable
					: new RateLimiterUnavailableException("Shared rate limiter skipped while its circuit is open", ex);
		};
	}

	/** Each quota divided among the live instances, at least 1; the counter keys stay the same. */
	private List<Quota> share(List<Quota> quotas) {
		int count = this.state.liveInstances();
		if (count == 1) {
			return quotas;
		}
		return quotas.stream()
			.map((quota) -> quota.share(count))
			.toList();
	}

}
