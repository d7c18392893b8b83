package dev.tenantlimit.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.tenantlimit.limiter.RateLimitDecision;
import dev.tenantlimit.quota.Algorithm;
import dev.tenantlimit.quota.AlgorithmSettings;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.redis.RedisSlidingWindowRateLimiter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Decisions per second of the Redis limiter alone (one FCALL each over Lettuce's shared
 * connection), for one busy tenant or requests spread over many, per algorithm. Run with
 * {@code -t 1}, {@code -t 8}, {@code -t 64} for the number of concurrent callers. The quota never
 * refuses (10^9 a second), so every decision records.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class LimiterBenchmark {

	@Param({ "sliding-log", "sliding-counter", "token-bucket" })
	public String algorithm;

	@Param({ "1", "10000" })
	public int tenants;

	private LettuceConnectionFactory connectionFactory;

	private RedisSlidingWindowRateLimiter limiter;

	private List<Quota> quotas;

	private String[] tenantIds;

	@Setup(Level.Trial)
	public void connect() {
		this.connectionFactory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1",
				Integer.getInteger("redis.port", 6379)));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		this.limiter = new RedisSlidingWindowRateLimiter(this.connectionFactory, "tl-jmh:", Duration.ofSeconds(1),
				AlgorithmSettings.DEFAULTS);
		this.quotas = List.of(Quota.of(neverFilled(Algorithm.of(this.algorithm)), Duration.ofSeconds(1)).withAlgorithm(Algorithm.of(this.algorithm), 0));
		this.tenantIds = new String[this.tenants];
		for (int i = 0; i < this.tenants; i++) {
			this.tenantIds[i] = "tenant-" + i;
		}
	}

	@TearDown(Level.Trial)
	public void disconnect() {
		this.connectionFactory.destroy();
	}

	@Benchmark
	public RateLimitDecision decide() {
		String tenant = this.tenantIds[ThreadLocalRandom.current().nextInt(this.tenants)];
		return this.limiter.tryAcquire(tenant, this.quotas);
	}

	/**
	 * A limit no run reaches: 10^9 a second, or for a sliding log its largest limit (100,000 a
	 * second, more than the round trip path decides here).
	 */
	private static long neverFilled(Algorithm algorithm) {
		return (algorithm == Algorithm.SLIDING_LOG) ? Quota.MAX_LOG_LIMIT : 1_000_000_000;
	}

}
