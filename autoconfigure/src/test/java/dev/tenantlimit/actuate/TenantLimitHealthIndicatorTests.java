package dev.tenantlimit.actuate;

import dev.tenantlimit.limiter.FailMode;
import dev.tenantlimit.limiter.FallbackState;
import dev.tenantlimit.redis.RedisSlidingWindowRateLimiter;
import dev.tenantlimit.testapp.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** Health against the local Redis and against a port where nothing listens. */
class TenantLimitHealthIndicatorTests {

	private LettuceConnectionFactory factory;

	@AfterEach
	void close() {
		this.factory.destroy();
	}

	@Test
	void upAndSharedWhileRedisAnswers() {
		Health health = health(TestRedis.port(), FailMode.LOCAL);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("decisions", "shared").containsEntry("failMode", "local");
	}

	@Test
	void upWhileServingLocallyWithoutRedis() {
		Health health = health(1, FailMode.LOCAL);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("decisions", "local-fallback").containsEntry("redis", "unreachable");
	}

	@Test
	void downOnlyWhenRequestsAreRefused() {
		assertThat(health(1, FailMode.OPEN).getStatus()).isEqualTo(Status.UP);
		this.factory.destroy();
		assertThat(health(1, FailMode.CLOSED).getStatus()).isEqualTo(Status.DOWN);
	}

	private Health health(int port, FailMode mode) {
		this.factory = TestRedis.connect(port);
		RedisSlidingWindowRateLimiter limiter = new RedisSlidingWindowRateLimiter(this.factory, "tl-test:");
		return new TenantLimitHealthIndicator(limiter::reachable, new FallbackState(mode, () -> 1)).health(true);
	}

}
