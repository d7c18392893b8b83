package dev.tenantlimit.actuate;

import dev.tenantlimit.limiter.FallbackState;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The limiter's Redis as the application sees it: UP while Redis answers; while it does not,
 * UP with {@code decisions: local-fallback} (or {@code open}) when the fail mode keeps serving,
 * so a Redis outage does not take instances out of service, and DOWN only with fail mode
 * {@code closed}, when requests are refused.
 */
public class TenantLimitHealthIndicator extends AbstractHealthIndicator {

	private final RedisConnectionFactory connectionFactory;

	private final FallbackState fallback;

	public TenantLimitHealthIndicator(RedisConnectionFactory connectionFactory, FallbackState fallback) {
		super("TenantLimit health check failed");
		this.connectionFactory = connectionFactory;
		this.fallback = fallback;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("failMode", this.fallback.mode().name().toLowerCase())
			.withDetail("liveInstances", this.fallback.liveInstances());
		String problem = ping();
		if (problem == null && !this.fallback.isActive()) {
			builder.up().withDetail("decisions", "shared");
			return;
		}
		builder.withDetail("redis", (problem != null) ? problem : "recovering");
		switch (this.fallback.mode()) {
			case LOCAL -> builder.up().withDetail("decisions", "local-fallback");
			case OPEN -> builder.up().withDetail("decisions", "open");
			case CLOSED -> builder.down().withDetail("decisions", "refused");
		}
	}

	private @Nullable String ping() {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			connection.ping();
			return null;
		}
		catch (RuntimeException ex) {
			return "unreachable";
		}
	}

}
