package dev.tenantlimit.benchmarks.multiregion;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * One global limit over three regions, decided five ways, in a simulation with a millisecond
 * clock (docs/multi-region.md): Poisson traffic, uneven between the regions and moving from one to
 * another halfway, a one-way delay between regions. For each way: the most admitted in any window
 * against the limit (over-admission), what was admitted against what the limit allowed of the
 * traffic (under-admission), cross-region messages per request, and the latency it adds.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.tenantlimit.benchmarks.multiregion.MultiRegionSimulation}
 */
public final class MultiRegionSimulation {

	private static final int REGIONS = 3;

	private static final int LIMIT = 1000;

	private static final int WINDOW = 1000;

	private static final int DURATION = 60_000;

	private MultiRegionSimulation() {
	}

	public static void main(String[] args) {
		int[] delays = { 40 };
		if (args.length > 0) {
			delays = java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
		}
		for (int delay : delays) {
			scenario("over the limit: 1 500 requests/s, 60:30:10 for 30 s, then 10:30:60", delay,
					new double[][] { { 900, 450, 150 }, { 150, 450, 900 } });
			scenario("under the limit: 800 requests/s, 88:7:5 for 30 s, then 5:7:88", delay,
					new double[][] { { 700, 60, 40 }, { 40, 60, 700 } });
		}
	}

	private static void scenario(String title, int delay, double[][] phases) {
		System.out.printf(Locale.ROOT, "%n### %s; limit %d per %d ms, %d ms one way between regions%n%n", title, LIMIT,
				WINDOW, delay);
		System.out.println("| strategy | most in any window / limit | admitted / what the limit allowed "
				+ "| cross-region messages per request | added latency p50 / p99 (ms) |");
		System.out.println("|---|---|---|---|---|");
		List<Supplier<Strategy>> strategies = List.of(() -> new GlobalCounter(REGIONS, WINDOW),
				() -> new StaticShares(REGIONS, WINDOW), () -> new TieredCounting(REGIONS, WINDOW, 100, false),
				() -> new TieredCounting(REGIONS, WINDOW, 100, true), () -> new TieredCounting(REGIONS, WINDOW, 20, false),
				() -> new RegionLeases(REGIONS, 4 * delay + 100, DURATION + 10_000));
		for (Supplier<Strategy> strategy : strategies) {
			row(run(strategy.get(), delay, phases));
		}
	}

	static World run(Strategy strategy, int delay, double[][] phases) {
		World world = new World(REGIONS, delay, LIMIT, WINDOW, DURATION);
		SplittableRandom random = new SplittableRandom(42);
		for (world.now = 0; world.now < DURATION + 4 * delay; world.now++) {
			world.deliver();
			strategy.tick(world);
			if (world.now >= DURATION) {
				continue;
			}
			double[] rates = phases[world.now * phases.length / DURATION];
			for (int region = 0; region < REGIONS; region++) {
				int arrivals = poisson(random, rates[region] / 1000.0);
				for (int i = 0; i < arrivals; i++) {
					world.requests++;
					world.offered[world.now]++;
					strategy.arrive(world, region);
				}
			}
		}
		world.name = strategy.name();
		return world;
	}

	private static void row(World world) {
		long most = 0;
		long inWindow = 0;
		for (int t = 0; t < world.admitted.length; t++) {
			inWindow += world.admitted[t];
			if (t >= WINDOW) {
				inWindow -= world.admitted[t - WINDOW];
			}
			most = Math.max(most, inWindow);
		}
		long admitted = 0;
		long allowed = 0;
		for (int second = 0; second < DURATION / WINDOW; second++) {
			long offered = 0;
			for (int t = second * WINDOW; t < (second + 1) * WINDOW; t++) {
				offered += world.offered[t];
				// credited to the second the request came in: a reply after the end still counts
				admitted += world.admittedByArrival[t];
			}
			allowed += Math.min(offered, LIMIT);
		}
		System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %d / %d |%n", world.name, (double) most / LIMIT,
				(double) admitted / allowed, (double) world.crossRegionMessages / world.requests,
				world.latency.percentile(0.5), world.latency.percentile(0.99));
	}

	/** Knuth's method; {@code mean} is small (arrivals in one millisecond). */
	private static int poisson(SplittableRandom random, double mean) {
		double threshold = Math.exp(-mean);
		int k = 0;
		double p = random.nextDouble();
		while (p > threshold) {
			k++;
			p *= random.nextDouble();
		}
		return k;
	}

}
