package dev.tenantlimit.benchmarks.multiregion;

/** Each region counts alone against a fixed share (limit / regions): no traffic between them. */
final class StaticShares implements Strategy {

	private final SlidingLog[] logs;

	StaticShares(int regions, int window) {
		this.logs = new SlidingLog[regions];
		for (int i = 0; i < regions; i++) {
			this.logs[i] = new SlidingLog(window);
		}
	}

	@Override
	public String name() {
		return "static shares (limit / 3 each)";
	}

	@Override
	public void arrive(World world, int region) {
		if (this.logs[region].count(world.now) < world.limit / world.regions) {
			this.logs[region].add(world.now);
			world.admit(world.now, 0);
		}
		else {
			world.refuse(0);
		}
	}

}
