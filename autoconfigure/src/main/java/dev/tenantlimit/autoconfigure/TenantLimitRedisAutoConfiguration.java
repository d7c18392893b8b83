package dev.tenantlimit.autoconfigure;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.tenantlimit.limiter.ConcurrencyLeases;
import dev.tenantlimit.limiter.RateLimiter;
import dev.tenantlimit.redis.InstanceHeartbeat;
import dev.tenantlimit.redis.RedisConcurrencyLeases;
import dev.tenantlimit.redis.RedisMemoryPolicyCheck;
import dev.tenantlimit.redis.RedisSlidingWindowRateLimiter;
import dev.tenantlimit.redis.UnobservedDecisions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.tracing.LettuceObservationContext;
import io.micrometer.observation.ObservationPredicate;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Auto-configuration of the shared limiter: {@link RedisSlidingWindowRateLimiter} on the
 * application's {@link RedisConnectionFactory} (standalone, Sentinel or Cluster, as Spring Data
 * Redis is configured).
 */
@AutoConfiguration(after = DataRedisAutoConfiguration.class)
@ConditionalOnClass(StringRedisTemplate.class)
@ConditionalOnSingleCandidate(RedisConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "tenantlimit.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TenantLimitProperties.class)
public final class TenantLimitRedisAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(RateLimiter.class)
	RedisSlidingWindowRateLimiter redisSlidingWindowRateLimiter(RedisConnectionFactory connectionFactory,
			TenantLimitProperties properties) {
		RedisSlidingWindowRateLimiter limiter = new RedisSlidingWindowRateLimiter(connectionFactory,
				properties.getRedis().getKeyPrefix(), properties.getRedis().getTimeout(),
				ConfiguredQuotas.algorithms(properties));
		limiter.setExpiryJitter(properties.getRedis().getExpiryJitter());
		return limiter;
	}

	@Bean
	@ConditionalOnMissingBean(ConcurrencyLeases.class)
	@ConditionalOnBean(ReactiveRedisConnectionFactory.class)
	RedisConcurrencyLeases redisConcurrencyLeases(ReactiveRedisConnectionFactory connectionFactory,
			TenantLimitProperties properties) {
		return new RedisConcurrencyLeases(new ReactiveStringRedisTemplate(connectionFactory),
				properties.getRedis().getKeyPrefix(), properties.getConcurrency().getLeaseTimeout(),
				properties.getRedis().getTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	RedisMemoryPolicyCheck tenantLimitRedisMemoryPolicyCheck(RedisConnectionFactory connectionFactory) {
		return new RedisMemoryPolicyCheck(connectionFactory);
	}

	/** Checks the memory policy once the application is up, off the main thread: Redis may be slow or away. */
	@Bean
	ApplicationListener<ApplicationReadyEvent> tenantLimitRedisMemoryPolicyCheckOnStartup(
			RedisMemoryPolicyCheck check) {
		return (event) -> {
			Thread thread = new Thread(check::check, "tenantlimit-redis-check");
			thread.setDaemon(true);
			thread.start();
		};
	}

	/**
	 * Lettuce waits up to 30 s between reconnect attempts after a long outage; capped at the
	 * fallback's retry interval, instances return to shared counting within about one interval of
	 * each other once Redis is back (while some still decide locally, the bound on what an outage
	 * admits grows by what they admit).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ClientResources.class)
	static class LettuceReconnectConfiguration {

		@Bean
		ClientResourcesBuilderCustomizer tenantLimitReconnectDelay(TenantLimitProperties properties) {
			Duration cap = properties.getFallback().getRetryInterval();
			return (builder) -> builder.reconnectDelay(
					Delay.exponential(Duration.ofMillis(1), cap.isZero() ? Duration.ofMillis(1) : cap, 2,
							TimeUnit.MILLISECONDS));
		}

	}

	/**
	 * Spring Boot's per-command Lettuce observation would time and trace every rate decision as a
	 * Redis command of the application's: left out unless {@code tenantlimit.redis.observe-decisions}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ LettuceObservationContext.class, ObservationPredicate.class })
	@ConditionalOnBooleanProperty(name = "tenantlimit.redis.observe-decisions", havingValue = false,
			matchIfMissing = true)
	static class UnobservedDecisionsConfiguration {

		@Bean
		UnobservedDecisions tenantLimitUnobservedDecisions() {
			return new UnobservedDecisions();
		}

	}

	@Bean
	@ConditionalOnMissingBean
	InstanceHeartbeat tenantLimitInstanceHeartbeat(RedisConnectionFactory connectionFactory,
			TenantLimitProperties properties) {
		return new InstanceHeartbeat(new StringRedisTemplate(connectionFactory),
				properties.getRedis().getKeyPrefix() + "instances", properties.getFallback().getHeartbeatInterval());
	}

}
