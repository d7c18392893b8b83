package dev.tenantlimit.limiter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import dev.tenantlimit.quota.Algorithm;
import dev.tenantlimit.quota.AlgorithmSettings;
import dev.tenantlimit.quota.Quota;

/**
 * The sliding counter against the exact sliding log on the same traffic, as Markdown: one hour of
 * Poisson arrivals at 1, 1.2, 2 and 10 times a limit of 1 000 a minute, for 2, 10 and 30
 * sub-windows, on a simulated clock (the in-memory limiter runs the same rules as the script).
 */
public final class AccuracyTable {

	private static final Duration WINDOW = Duration.ofMinutes(1);

	private static final long LIMIT = 1000;

	private AccuracyTable() {
	}

	public static void main(String[] args) {
		System.out.println("| sub-windows | load (x limit) | admitted, log | admitted, counter | counter / log "
				+ "| most in one window, log | most in one window, counter |");
		System.out.println("|---|---|---|---|---|---|---|");
		for (int subWindows : new int[] { 2, 10, 30 }) {
			for (double load : new double[] { 1.0, 1.2, 2.0, 10.0 }) {
				AtomicLong now = new AtomicLong(1_000_000_000_000L);
				LocalSlidingWindowRateLimiter limiter = new LocalSlidingWindowRateLimiter(
						new AlgorithmSettings(LIMIT, subWindows), now::get);
				Quota log = Quota.of(LIMIT, WINDOW).withAlgorithm(Algorithm.SLIDING_LOG, 0);
				Quota counter = Quota.of(LIMIT, WINDOW).withAlgorithm(Algorithm.SLIDING_COUNTER, 0);
				Random random = new Random(42);
				double meanGap = WINDOW.toNanos() / (load * LIMIT);
				List<Long> exact = new ArrayList<>();
				List<Long> approximate = new ArrayList<>();
				long end = now.get() + Duration.ofHours(1).toNanos();
				while (now.get() < end) {
					now.addAndGet((long) (-Math.log(1 - random.nextDouble()) * meanGap) + 1);
					if (limiter.tryAcquire("log", List.of(log)).allowed()) {
						exact.add(now.get());
					}
					if (limiter.tryAcquire("counter", List.of(counter)).allowed()) {
						approximate.add(now.get());
					}
				}
				System.out.printf("| %d | %.1f | %,d | %,d | %.4f | %,d | %,d |%n", subWindows, load, exact.size(),
						approximate.size(), (double) approximate.size() / exact.size(), mostInOneWindow(exact),
						mostInOneWindow(approximate));
			}
		}
	}

	private static long mostInOneWindow(List<Long> admitted) {
		long most = 0;
		int first = 0;
		for (int last = 0; last < admitted.size(); last++) {
			while (admitted.get(first) <= admitted.get(last) - WINDOW.toNanos()) {
				first++;
			}
			most = Math.max(most, last - first + 1);
		}
		return most;
	}

}
