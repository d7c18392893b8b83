package dev.tenantlimit.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.tenantlimit.limiter.FailMode;
import dev.tenantlimit.limiter.FailoverRateLimiter;
import dev.tenantlimit.limiter.FallbackState;
import dev.tenantlimit.limiter.LocalAdmissions;
import dev.tenantlimit.limiter.LocalFallback;
import dev.tenantlimit.limiter.LocalSlidingWindowRateLimiter;
import dev.tenantlimit.limiter.RateLimitDecision;
import dev.tenantlimit.limiter.SharedCounts;
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
 * One hot tenant decided through the whole failover layer, side by side: with Redis answering
 * ({@code redis}), and with Redis unreachable so every decision is the local fallback's
 * ({@code local}: nothing listens on port 1). Run with {@code -t 32}: the fallback must not be
 * slower than the shared path it stands in for. The quota never refuses.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class FallbackBenchmark {

	@Param({ "redis", "local" })
	public String path;

	@Param({ "sliding-log", "sliding-counter", "token-bucket" })
	public String algorithm;

	private LettuceConnectionFactory connectionFactory;

	private FailoverRateLimiter limiter;

	private List<Quota> quotas;

	@Setup(Level.Trial)
	public void connect() {
		int port = "redis".equals(this.path) ? Integer.getInteger("redis.port", 6379) : 1;
		this.connectionFactory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		FallbackState state = new FallbackState(FailMode.LOCAL, () -> 1);
		LocalFallback fallback = new LocalFallback(new LocalSlidingWindowRateLimiter(), new SharedCounts(),
				new LocalAdmissions(), state::liveInstances);
		this.limiter = new FailoverRateLimiter(new RedisSlidingWindowRateLimiter(this.connectionFactory, "tl-jmh:",
				Duration.ofSeconds(1), AlgorithmSettings.DEFAULTS), fallback, state, Duration.ofSeconds(2),
				Duration.ofSeconds(2));
		this.quotas = List
			.of(Quota.of(neverFilled(Algorithm.of(this.algorithm)), Duration.ofSeconds(1)).withAlgorithm(Algorithm.of(this.algorithm), 0));
	}

	@TearDown(Level.Trial)
	public void disconnect() {
		this.limiter.close();
		this.connectionFactory.destroy();
	}

	@Benchmark
	public RateLimitDecision decide() {
		return this.limiter.tryAcquire("hot", this.quotas);
	}

	/**
	 * A limit no run reaches: 10^9 a second, or for a sliding log its largest limit (100,000 a
	 * second, more than the round trip path decides here).
	 */
	private static long neverFilled(Algorithm algorithm) {
		return (algorithm == Algorithm.SLIDING_LOG) ? Quota.MAX_LOG_LIMIT : 1_000_000_000;
	}

}
