package dev.tenantlimit.benchmarks.bucket4j;

import com.giffing.bucket4j.spring.boot.starter.config.cache.SyncCacheResolver;
import com.giffing.bucket4j.spring.boot.starter.config.cache.redis.lettuce.LettuceCacheResolver;
import io.lettuce.core.RedisClient;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * bucket4j-spring-boot-starter 0.14.0-RC1 wires its Lettuce backend for WebFlux only (an
 * {@code AsyncCacheResolver}); its servlet filter needs a {@code SyncCacheResolver} from the
 * application, as its README shows for other backends. This is that bean: the starter's own Lettuce
 * resolver (bucket4j's compare-and-swap proxy manager), used synchronously, on the
 * {@code RedisClient} of the app's Lettuce connection factory.
 */
@Configuration(proxyBeanMethods = false)
public class LettuceSyncBucket4jConfiguration {

	@Bean
	public SyncCacheResolver lettuceSyncCacheResolver(LettuceConnectionFactory connectionFactory) {
		return new SyncLettuceCacheResolver((RedisClient) connectionFactory.getRequiredNativeClient());
	}

	static class SyncLettuceCacheResolver extends LettuceCacheResolver implements SyncCacheResolver {

		SyncLettuceCacheResolver(RedisClient client) {
			super(client);
		}

		@Override
		public boolean isAsync() {
			return false;
		}

	}

}
