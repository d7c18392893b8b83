package dev.tenantlimit.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import com.sun.management.OperatingSystemMXBean;
import dev.tenantlimit.quota.AlgorithmSettings;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.redis.RedisSlidingWindowRateLimiter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.JedisPooled;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * What one Redis round trip costs the JVM: CPU time of the whole process (the callers, Lettuce's
 * event loop, everything) per call, divided by the calls, for TenantLimit's decision over 1,000
 * tenants and for a bare {@code INCR}, each through Lettuce (an event loop hands every command and
 * reply across threads) and Jedis (the caller writes and reads its own pooled socket), with 1, 4
 * and 32 callers that each wait for their reply. It is the floor under the round-trip path's
 * "app CPU added" of docs/performance.md: what the transport costs before TenantLimit does
 * anything. Not JMH: JMH times calls, and this is about the CPU they take. The first pass runs in
 * the new JVM without warm-up and is printed too.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.tenantlimit.benchmarks.RoundTripCost [seconds per cell]</pre>
 */
public final class RoundTripCost {

	private static final int[] CALLERS = { 1, 4, 32 };

	private static final int TENANTS = 1000;

	private RoundTripCost() {
	}

	/** One call, made by one caller thread (each caller gets its own). */
	@FunctionalInterface
	interface Call {

		void run() throws Exception;

	}

	record Path(String name, java.util.function.Supplier<Call> calls) {
	}

	public static void main(String[] args) throws Exception {
		long millis = (args.length > 0) ? Long.parseLong(args[0]) * 1000 : 4000;
		RedisStandaloneConfiguration redis = new RedisStandaloneConfiguration("127.0.0.1",
				Integer.getInteger("redis.port", 6379));
		JedisPoolConfig pool = new JedisPoolConfig();
		pool.setMaxTotal(64);
		pool.setMaxIdle(64);
		LettuceConnectionFactory lettuceFactory = new LettuceConnectionFactory(redis);
		lettuceFactory.afterPropertiesSet();
		lettuceFactory.start();
		JedisConnectionFactory jedisFactory = new JedisConnectionFactory(redis,
				JedisClientConfiguration.builder().usePooling().poolConfig(pool).build());
		jedisFactory.afterPropertiesSet();
		jedisFactory.start();
		RedisClient lettuceClient = RedisClient.create("redis://" + redis.getHostName() + ":" + redis.getPort());
		StatefulRedisConnection<String, String> lettuce = lettuceClient.connect();
		ConnectionPoolConfig connections = new ConnectionPoolConfig();
		connections.setMaxTotal(64);
		connections.setMaxIdle(64);
		JedisPooled jedis = new JedisPooled(connections, redis.getHostName(), redis.getPort());
		try {
			List<Path> paths = List.of(
					decisions("TenantLimit's decision, Lettuce", new RedisSlidingWindowRateLimiter(lettuceFactory,
							"tl-rtt-lettuce:", Duration.ofSeconds(1), AlgorithmSettings.DEFAULTS)),
					decisions("TenantLimit's decision, Jedis", new RedisSlidingWindowRateLimiter(jedisFactory,
							"tl-rtt-jedis:", Duration.ofSeconds(1), AlgorithmSettings.DEFAULTS)),
					incr("bare INCR, Lettuce", lettuce.async()), incr("bare INCR, Jedis", jedis));
			table("cold: the first pass in a new JVM, " + millis / 1000 + " s per cell", paths, millis);
			table("warm: after that pass, " + millis / 1000 + " s per cell", paths, millis);
		}
		finally {
			lettuce.close();
			lettuceClient.shutdown();
			jedis.close();
			lettuceFactory.destroy();
			jedisFactory.destroy();
		}
	}

	/** A one-quota sliding log nobody fills, tenants round robin: a round trip each, as over 1,000 tenants. */
	private static Path decisions(String name, RedisSlidingWindowRateLimiter limiter) {
		List<Quota> quotas = List.of(Quota.of(Quota.MAX_LOG_LIMIT, Duration.ofSeconds(1)));
		String[] tenants = new String[TENANTS];
		for (int i = 0; i < TENANTS; i++) {
			tenants[i] = "rtt-" + i;
		}
		AtomicInteger next = new AtomicInteger();
		return new Path(name, () -> () -> limiter.tryAcquire(tenants[Math.floorMod(next.getAndIncrement(), TENANTS)],
				quotas));
	}

	private static Path incr(String name, RedisAsyncCommands<String, String> lettuce) {
		return new Path(name, () -> () -> lettuce.incr("tl-rtt-incr").get(1, TimeUnit.SECONDS));
	}

	private static Path incr(String name, JedisPooled jedis) {
		return new Path(name, () -> () -> jedis.incr("tl-rtt-incr"));
	}

	private static void table(String title, List<Path> paths, long millis) throws InterruptedException {
		System.out.println("#### " + title);
		System.out.println();
		StringBuilder header = new StringBuilder("| path |");
		StringBuilder rule = new StringBuilder("|---|");
		for (int callers : CALLERS) {
			header.append(" ").append(callers).append(" caller").append((callers > 1) ? "s" : "").append(": calls/s, JVM CPU µs/call |");
			rule.append("---|");
		}
		System.out.println(header);
		System.out.println(rule);
		for (Path path : paths) {
			StringBuilder row = new StringBuilder("| ").append(path.name()).append(" |");
			for (int callers : CALLERS) {
				double[] cell = measure(path, callers, millis);
				row.append(String.format(" %,.0f, %.1f |", cell[0], cell[1]));
			}
			System.out.println(row);
		}
		System.out.println();
	}

	/** Calls a second and the process's CPU µs per call, {@code callers} threads for {@code millis}. */
	private static double[] measure(Path path, int callers, long millis) throws InterruptedException {
		LongAdder calls = new LongAdder();
		CountDownLatch go = new CountDownLatch(1);
		long[] until = new long[1];
		Thread[] threads = new Thread[callers];
		for (int i = 0; i < callers; i++) {
			Call call = path.calls().get();
			threads[i] = new Thread(() -> {
				try {
					go.await();
					while (System.nanoTime() - until[0] < 0) {
						call.run();
						calls.increment();
					}
				}
				catch (Exception ex) {
					throw new IllegalStateException(path.name() + " failed", ex);
				}
			});
			threads[i].start();
		}
		long cpu = processCpuNanos();
		long start = System.nanoTime();
		until[0] = start + TimeUnit.MILLISECONDS.toNanos(millis);
		go.countDown();
		for (Thread thread : threads) {
			thread.join();
		}
		long elapsed = System.nanoTime() - start;
		long n = Math.max(1, calls.sum());
		return new double[] { n * 1e9 / elapsed, (processCpuNanos() - cpu) / 1000.0 / n };
	}

	private static long processCpuNanos() {
		return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
	}

}
