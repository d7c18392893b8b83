package dev.tenantlimit.testapp;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** Started connection factories for tests that talk to Redis without an application context. */
public final class TestRedis {

	/** The port of the tests' shared Redis: the machine's own, or one the tests started. */
	public static int port() {
		return TestServices.redisPort();
	}

	private TestRedis() {
	}

	/** A started factory for 127.0.0.1 on this port; destroy it when done. */
	public static LettuceConnectionFactory connect(int port) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

}
