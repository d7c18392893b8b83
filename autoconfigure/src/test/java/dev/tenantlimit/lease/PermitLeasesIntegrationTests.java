package dev.tenantlimit.lease;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

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
		UnevenTraffic traffic = UnevenTraffic.run(leases, CALLERS, RUN, quotas);
		leases.forEach(PermitLeases::close);
		connections.forEach(LettuceConnectionFactory::destroy);

		List<long[]> times = traffic.admitted();
		long requests = traffic.requests();
		long slack = traffic.slack();
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
