package dev.tenantlimit.benchmarks.multiregion;

/** One Redis in region 0 for everyone: exact, and a round trip across regions for the others. */
final class GlobalCounter implements Strategy {

	private final SlidingLog log;

	private final DenyCache denied;

	GlobalCounter(int regions, int window) {
		this.log = new SlidingLog(window);
		this.denied = new DenyCache(regions);
	}

	@Override
	public String name() {
		return "one global Redis (in region 0), deny cache";
	}

	@Override
	public void arrive(World world, int region) {
		if (this.denied.refuses(world, region)) {
			return;
		}
		int sent = world.now;
		world.send(region, 0, () -> {
			boolean allowed = this.log.count(world.now) < world.limit;
			if (allowed) {
				this.log.add(world.now);
			}
			int retryAfter = this.log.retryAt(world.now, world.limit) - world.now;
			world.send(0, region, () -> {
				if (allowed) {
					world.admit(world.now, world.now - sent);
				}
				else {
					world.refuse(world.now - sent);
					this.denied.refuse(world, region, sent + retryAfter);
				}
			});
		});
	}

}
