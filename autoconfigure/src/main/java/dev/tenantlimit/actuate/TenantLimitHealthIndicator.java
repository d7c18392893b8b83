package dev.tenantlimit.actuate;

import java.util.function.BooleanSupplier;

import dev.tenantlimit.limiter.FallbackState;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The limiter's Redis as the application sees it: UP while Redis answers; while it does not,
 * UP with {@code decisions: local-fallback} (or {@code open}) when the fail mode keeps serving,
 * so a Redis outage does not take instances out of service, and DOWN only with fail mode
 * {@code closed}, when requests are refused. Redis is asked with the limiter's own probe (no wait
 * on a connection that is not open), and not at all while the limiter holds it for unreachable, so
 * a health check stays quick during an outage.
 */
public class TenantLimitHealthIndicator extends AbstractHealthIndicator {

	private final BooleanSupplier redisAnswers;

	private final FallbackState fallback;

	/**
	 * @param redisAnswers whether Redis answers now, within the limiter's timeout
	 * @param fallback what the limiter does
	 */
	public TenantLimitHealthIndicator(BooleanSupplier redisAnswers, FallbackState fallback) {
		super("TenantLimit health check failed");
		this.redisAnswers = redisAnswers;
		this.fallback = fallback;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("failMode", this.fallback.mode().name().toLowerCase())
			.withDetail("liveInstances", this.fallback.liveInstances());
		// while the limiter holds Redis for unreachable its probe asks Redis; a health check need not wait too
		if (!this.fallback.isActive() && this.redisAnswers.getAsBoolean()) {
			builder.up().withDetail("decisions", "shared");
			return;
		}
		builder.withDetail("redis", "unreachable");
		switch (this.fallback.mode()) {
			case LOCAL -> builder.up().withDetail("decisions", "local-fallback");
			case OPEN -> builder.up().withDetail("decisions", "open");
			case CLOSED -> builder.down().withDetail("decisions", "refused");
		}
	}

}
