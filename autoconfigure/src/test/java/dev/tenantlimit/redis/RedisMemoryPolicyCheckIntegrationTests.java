package dev.tenantlimit.redis;

import dev.tenantlimit.testapp.PrivateRedisServer;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

class RedisMemoryPolicyCheckIntegrationTests {

	@Test
	void warnsOnlyAboutEvictingEveryKey() throws Exception {
		try (PrivateRedisServer redis = PrivateRedisServer.start()) {
			LettuceConnectionFactory factory = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration("127.0.0.1", redis.port()));
			factory.afterPropertiesSet();
			factory.start();
			try {
				RedisMemoryPolicyCheck check = new RedisMemoryPolicyCheck(factory);
				assertThat(check.check()).isEmpty();
				redis.command("CONFIG SET maxmemory-policy volatile-lru");
				assertThat(check.check()).isEmpty();
				redis.command("CONFIG SET maxmemory-policy allkeys-lru");
				assertThat(check.check()).hasValueSatisfying(
						(warning) -> assertThat(warning).contains("allkeys-lru", "noeviction"));
			}
			finally {
				factory.destroy();
			}
		}
	}

	@Test
	void unreachableRedisIsNotAnError() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 1));
		factory.afterPropertiesSet();
		factory.start();
		try {
			assertThat(new RedisMemoryPolicyCheck(factory).check()).isEmpty();
		}
		finally {
			factory.destroy();
		}
	}

}
