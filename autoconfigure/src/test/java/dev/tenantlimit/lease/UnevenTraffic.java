package dev.tenantlimit.lease;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import dev.tenantlimit.limiter.RateLimitDecision;
import dev.tenantlimit.quota.Quota;

/**
 * A hot tenant's traffic over several instances for the multi-instance lease tests: instance i
 * has {@code callers[i]} callers asking as fast as they can, the third one pausing now and then
 * (leaving leases unused), and a refused caller waits a millisecond, as a client honouring
 * Retry-After would.
 *
 * @param requests how many decisions were asked for
 * @param admitted the [before, after] nanoTime of every admitted decision, sorted by midpoint
 */
record UnevenTraffic(long requests, List<long[]> admitted) {

	static UnevenTraffic run(List<PermitLeases> instances, int[] callers, Duration run, List<Quota> quotas)
			throws Exception {
		List<long[]> admitted = Collections.synchronizedList(new ArrayList<>());
		ExecutorService pool = Executors.newCachedThreadPool();
		long end = System.nanoTime() + run.toNanos();
		List<Future<Long>> calls = new ArrayList<>();
		for (int i = 0; i < instances.size(); i++) {
			PermitLeases instance = instances.get(i);
			boolean pauses = i == 2;
			for (int c = 0; c < callers[i]; c++) {
				calls.add(pool.submit(() -> {
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
		pool.shutdown();
		List<long[]> sorted = new ArrayList<>(admitted);
		sorted.sort((a, b) -> Long.compare(mid(a), mid(b)));
		return new UnevenTraffic(requests, sorted);
	}

	/** The longest a decision took: its time is known to within that. */
	long slack() {
		return this.admitted.stream().mapToLong((time) -> time[1] - time[0]).max().orElse(0);
	}

	static long mid(long[] time) {
		return (time[0] + time[1]) / 2;
	}

}
