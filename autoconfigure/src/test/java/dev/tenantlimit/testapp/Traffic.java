package dev.tenantlimit.testapp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests of one tenant (bearer JWT) spread round robin over several instances by a number of
 * concurrent clients: what came back, and the slowest answer.
 */
public final class Traffic {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private Traffic() {
	}

	/** Send {@code requests} requests with {@code clients} at a time, over the instances' ports. */
	public static Result send(String tenant, List<Integer> ports, int requests, int clients) throws Exception {
		String token = TestTokens.forTenant(tenant);
		List<Callable<long[]>> calls = new ArrayList<>(requests);
		for (int i = 0; i < requests; i++) {
			HttpRequest request = HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + ports.get(i % ports.size()) + "/api/whoami"))
				.header("Authorization", "Bearer " + token)
				.timeout(Duration.ofSeconds(30))
				.build();
			calls.add(() -> {
				long start = System.nanoTime();
				int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
				return new long[] { status, System.nanoTime() - start };
			});
		}
		ExecutorService pool = Executors.newFixedThreadPool(clients);
		try {
			Map<Integer, Integer> statuses = new TreeMap<>();
			long worst = 0;
			for (Future<long[]> answer : pool.invokeAll(calls)) {
				long[] outcome = answer.get();
				statuses.merge((int) outcome[0], 1, Integer::sum);
				worst = Math.max(worst, outcome[1]);
			}
			return new Result(statuses, Duration.ofNanos(worst));
		}
		finally {
			pool.shutdownNow();
		}
	}

	/**
	 * Requests sent by {@code clients} in a loop, round robin over the instances, until
	 * {@link Load#stop()}: traffic that goes on while a test breaks something under it.
	 */
	public static Load start(String tenant, List<Integer> ports, int clients) {
		return new Load(TestTokens.forTenant(tenant), ports, clients);
	}

	/** Traffic that runs until stopped. */
	public static final class Load {

		private final Map<Integer, Integer> statuses = new TreeMap<>();

		private final ExecutorService pool;

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final AtomicLong worst = new AtomicLong();

		private final AtomicInteger next = new AtomicInteger();

		private Load(String token, List<Integer> ports, int clients) {
			this.pool = Executors.newFixedThreadPool(clients);
			for (int i = 0; i < clients; i++) {
				this.pool.execute(() -> {
					while (this.running.get()) {
						int port = ports.get(Math.floorMod(this.next.getAndIncrement(), ports.size()));
						HttpRequest request = HttpRequest
							.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/whoami"))
							.header("Authorization", "Bearer " + token)
							.timeout(Duration.ofSeconds(30))
							.build();
						long start = System.nanoTime();
						int status;
						try {
							status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
						}
						catch (Exception ex) {
							status = -1;
							pause();
						}
						this.worst.accumulateAndGet(System.nanoTime() - start, Math::max);
						synchronized (this.statuses) {
							this.statuses.merge(status, 1, Integer::sum);
						}
					}
				});
			}
		}

		/** Not to spin when nothing answers. */
		private static void pause() {
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		/** Stop sending; what came back (-1: no answer). */
		public Result stop() throws InterruptedException {
			this.running.set(false);
			this.pool.shutdown();
			this.pool.awaitTermination(60, TimeUnit.SECONDS);
			synchronized (this.statuses) {
				return new Result(new TreeMap<>(this.statuses), Duration.ofNanos(this.worst.get()));
			}
		}

	}

	/**
	 * @param statuses how many answers of each status
	 * @param worst the slowest answer
	 */
	public record Result(Map<Integer, Integer> statuses, Duration worst) {

		public int admitted() {
			return this.statuses.getOrDefault(200, 0);
		}

		public int count(int status) {
			return this.statuses.getOrDefault(status, 0);
		}

		/** Whether every answer was 200 or 429. */
		public boolean onlyAdmittedOrLimited() {
			return this.statuses.keySet().stream().allMatch((status) -> status == 200 || status == 429);
		}

	}

}
