package dev.tenantlimit.autoconfigure;

import dev.tenantlimit.limiter.RateLimiter;
import dev.tenantlimit.limiter.ConcurrencyLeases;
import dev.tenantlimit.redis.InstanceHeartbeat;
import dev.tenantlimit.redis.RedisConcurrencyLeases;
import dev.tenantlimit.redis.RedisMemoryPolicyCheck;
import dev.tenantlimit.redis.RedisSlidingWindowRateLimiter;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
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
		return new RedisSlidingWindowRateLimiter(connectionFactory, properties.getRedis().getKeyPrefix(),
				properties.getRedis().getTimeout(), ConfiguredQuotas.algorithms(properties));
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

	@Bean
	@ConditionalOnMissingBean
	InstanceHeartbeat tenantLimitInstanceHeartbeat(RedisConnectionFactory connectionFactory,
			TenantLimitProperties properties) {
		return new InstanceHeartbeat(new StringRedisTemplate(connectionFactory),
				properties.getRedis().getKeyPrefix() + "instances", properties.getFallback().getHeartbeatInterval());
	}

}
