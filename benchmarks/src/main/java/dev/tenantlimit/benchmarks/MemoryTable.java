package dev.tenantlimit.benchmarks;

import java.time.Duration;
import java.util.List;

import dev.tenantlimit.quota.Algorithm;
import dev.tenantlimit.quota.AlgorithmSettings;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.redis.RedisSlidingWindowRateLimiter;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Bytes of Redis memory per tenant and quota ({@code MEMORY USAGE} of its key) when the quota is
 * full, for each algorithm, as Markdown. Real keys, written by the real script.
 */
public final class MemoryTable {

	private MemoryTable() {
	}

	public static void main(String[] args) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", Integer.getInteger("redis.port", 6379)));
		factory.afterPropertiesSet();
		factory.start();
		try {
			StringRedisTemplate redis = new StringRedisTemplate(factory);
			String prefix = "tl-memory-" + ProcessHandle.current().pid() + ":";
			RedisSlidingWindowRateLimiter limiter = new RedisSlidingWindowRateLimiter(factory, prefix,
					Duration.ofSeconds(2), AlgorithmSettings.DEFAULTS);
			RedisScript<Long> memory = RedisScript.of("return redis.call('MEMORY', 'USAGE', KEYS[1], 'SAMPLES', 0)",
					Long.class);
			RedisScript<String> encoding = RedisScript.of("return redis.call('OBJECT', 'ENCODING', KEYS[1])",
					String.class);
			System.out.println("| limit | algorithm | bytes | encoding | bytes / admitted request |");
			System.out.println("|---|---|---|---|---|");
			for (long limit : new long[] { 100, 128, 129, 1000, 10_000 }) {
				for (Algorithm algorithm : List.of(Algorithm.SLIDING_LOG, Algorithm.SLIDING_COUNTER,
						Algorithm.TOKEN_BUCKET)) {
					Quota quota = Quota.of(limit, Duration.ofHours(1)).withAlgorithm(algorithm, 0);
					String tenant = algorithm.id() + "-" + limit;
					for (long i = 0; i < limit; i++) {
						limiter.tryAcquire(tenant, List.of(quota));
					}
					String key = limiter.key(tenant, quota);
					long bytes = redis.execute(memory, List.of(key));
					System.out.printf("| %,d | %s | %,d | %s | %.1f |%n", limit, algorithm.id(), bytes,
							redis.execute(encoding, List.of(key)), (double) bytes / limit);
					redis.delete(key);
				}
			}
		}
		finally {
			factory.destroy();
		}
	}

}
