package dev.tenantlimit.benchmarks.multiregion;

/**
 * The seed's tiered counting: each region counts its own admissions exactly (its own Redis), and
 * every {@code sync} ms tells the others its count; a region admits while its own count plus the
 * others' last reported ones stay under the limit. What the others admitted since their last
 * report (sync interval plus delay) is unseen: over-admission. With {@code headroom}, a region
 * also keeps back what the others admit at their reported rate in that time.
 */
final class TieredCounting implements Strategy {

	private final int sync;

	private final boolean headroom;

	private final SlidingLog[] own;

	/** known[r][o]: the count region o last reported to region r. */
	private final int[][] known;

	TieredCounting(int regions, int window, int sync, boolean headroom) {
		this.sync = sync;
		this.headroom = headroom;
		this.own = new SlidingLog[regions];
		this.known = new int[regions][regions];
		for (int i = 0; i < regions; i++) {
			this.own[i] = new SlidingLog(window);
		}
	}

	@Override
	public String name() {
		return "tiered counting, sync every " + this.sync + " ms" + (this.headroom ? ", headroom" : "");
	}

	@Override
	public void tick(World world) {
		if (world.now % this.sync != 0) {
			return;
		}
		for (int from = 0; from < world.regions; from++) {
			int count = this.own[from].count(world.now);
			for (int to = 0; to < world.regions; to++) {
				if (to != from) {
					int[] row = this.known[to];
					int index = from;
					world.send(from, to, () -> row[index] = count);
				}
			}
		}
	}

	@Override
	public void arrive(World world, int region) {
		double total = this.own[region].count(world.now);
		for (int other = 0; other < world.regions; other++) {
			if (other != region) {
				int reported = this.known[region][other];
				total += reported;
				if (this.headroom) {
					// what it admits at that rate before its next report reaches here
					total += (double) reported * (this.sync + world.delay) / world.window;
				}
			}
		}
		if (total < world.limit) {
			this.own[region].add(world.now);
			world.admit(world.now, 0);
		}
		else {
			world.refuse(0);
		}
	}

}
