package dev.tenantlimit.redis;

import dev.tenantlimit.testapp.PrivateRedisServer;
import dev.tenantlimit.testapp.TestRedis;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

class RedisMemoryPolicyCheckIntegrationTests {

	@Test
	void warnsOnlyAboutEvictingEveryKey() throws Exception {
		try (PrivateRedisServer redis = PrivateRedisServer.start()) {
			LettuceConnectionFactory factory = TestRedis.connect(redis.port());
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
		LettuceConnectionFactory factory = TestRedis.connect(1);
		try {
			assertThat(new RedisMemoryPolicyCheck(factory).check()).isEmpty();
		}
		finally {
			factory.destroy();
		}
	}

}
