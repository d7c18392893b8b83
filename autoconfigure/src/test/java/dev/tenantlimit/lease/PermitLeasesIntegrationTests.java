package dev.tenantlimit.lease;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import dev.tenantlimit.limiter.RateLimitDecision;
import dev.tenantlimit.quota.Algorithm;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.redis.RedisSlidingWindowRateLimiter;
import dev.tenantlimit.testapp.TestRedis;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Leases across instances against the real Redis: each instance has its own connection, its own
 * leases and its own background thread, as separate JVMs would. Traffic is uneven (instance i
 * has a share of the callers in proportion to 4:2:1, and the smallest one pauses now and then,
 * leaving leases unused) and runs past the end of the first window.
 *
 * <p>What must hold: in every interval of one window, at most the limit was admitted (decision
 * times are known to within half their latency, and the intervals checked are shortened by that
 * much so the check never blames the test's own clock); and at least 97 % of the limit was
 * admitted in the first window, though the callers asked for more.
 */
class PermitLeasesIntegrationTests {

	private static final int LIMIT = 3000;

	private static final Duration WINDOW = Duration.ofSeconds(3);

	private static final Duration RUN = Duration.ofMillis(4500);

	private static final int[] CALLERS = { 4, 2, 1 };

	@ParameterizedTest(name = "{0} instances")
	@ValueSource(ints = { 1, 2, 3 })
	void instancesWithLeasesAdmitAtMostTheLimitInAnyWindowAndNearlyAllOfIt(int instances) throws Exception {
		String prefix = "tl-test-" + UUID.randomUUID() + ":";
		List<LettuceConnectionFactory> connections = new ArrayList<>();
		List<PermitLeases> leases = new ArrayList<>();
		List<LeaseStats> stats = new ArrayList<>();
		for (int i = 0; i < instances; i++) {
			LettuceConnectionFactory connection = TestRedis.connect(TestRedis.port());
			connections.add(connection);
			LeaseStats instanceStats = new LeaseStats();
			stats.add(instanceStats);
			leases.add(new PermitLeases(new RedisSlidingWindowRateLimiter(connection, prefix), Duration.ofMillis(100),
					Integer.getInteger("maxPermits", 1000), instanceStats));
		}
		// the exact algorithm (a limit this large would be counted by the sliding counter by default)
		List<Quota> quotas = List.of(Quota.of(LIMIT, WINDOW).withAlgorithm(Algorithm.SLIDING_LOG, 0));
		List<long[]> admitted = Collections.synchronizedList(new ArrayList<>());
		ExecutorService callers = Executors.newCachedThreadPool();
		long start = System.nanoTime();
		long end = start + RUN.toNanos();
		List<Future<Long>> calls = new ArrayList<>();
		for (int i = 0; i < instances; i++) {
			PermitLeases instance = leases.get(i);
			boolean pauses = i == 2;
			for (int c = 0; c < CALLERS[i]; c++) {
				calls.add(callers.submit(() -> {
					long made = 0;
					while (System.nanoTime() < end) {
						if (pauses && ThreadLocalRandom.current().nextInt(200) == 0) {
							Thread.sleep(150);
						}
						long before = System.nanoTime();
						RateLimitDecision decision = instance.tryAcquire("hot", quotas);
						long after = System.nanoTime();
						made++;
						if (decision.allowed()) {
							admitted.add(new long[] { before, after });
						}
						else {
							// a refused caller waits a little, as a client honouring Retry-After would
							Thread.sleep(1);
						}
					}
					return made;
				}));
			}
		}
		long requests = 0;
		for (Future<Long> call : calls) {
			requests += call.get();
		}
		callers.shutdown();
		leases.forEach(PermitLeases::close);
		connections.forEach(LettuceConnectionFactory::destroy);

		List<long[]> times = new ArrayList<>(admitted);
		times.sort((a, b) -> Long.compare(a[0] + a[1], b[0] + b[1]));
		long slack = times.stream().mapToLong((time) -> time[1] - time[0]).max().orElse(0);
		long first = (times.get(0)[0] + times.get(0)[1]) / 2;
		long inFirstWindow = times.stream().filter((t) -> (t[0] + t[1]) / 2 - first < WINDOW.toNanos() - slack).count();
		int most = mostInAnyInterval(times, WINDOW.toNanos() - slack);
		long local = stats.stream().mapToLong(LeaseStats::localAdmissions).sum();
		long reservations = stats.stream().mapToLong(LeaseStats::reservations).sum();
		System.out.printf("leases, %d instances: %d requests, %d admitted, %d in the first window (%.3f of %d), "
				+ "most in one window %d, %d admitted from leases, %d reservations, %d permits returned, slack %d µs%n",
				instances, requests, times.size(), inFirstWindow, (double) inFirstWindow / LIMIT, LIMIT, most, local,
				reservations, stats.stream().mapToLong(LeaseStats::returned).sum(), slack / 1000);
		assertThat(requests).as("the callers asked for more than the limit").isGreaterThan(2L * LIMIT);
		assertThat(most).as("admitted in one window").isLessThanOrEqualTo(LIMIT);
		assertThat(inFirstWindow).as("admitted in the first window").isGreaterThanOrEqualTo((long) (0.97 * LIMIT));
		assertThat(local).as("admitted from leases").isPositive();
	}

	/** The most decisions (midpoints of [before, after]) in any interval of this length. */
	private static int mostInAnyInterval(List<long[]> sorted, long length) {
		int most = 0;
		int from = 0;
		for (int to = 0; to < sorted.size(); to++) {
			long at = (sorted.get(to)[0] + sorted.get(to)[1]) / 2;
			while ((sorted.get(from)[0] + sorted.get(from)[1]) / 2 <= at - length) {
				from++;
			}
			most = Math.max(most, to - from + 1);
		}
		return most;
	}

}
