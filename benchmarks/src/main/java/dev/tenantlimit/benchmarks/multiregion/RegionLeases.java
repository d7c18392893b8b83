package dev.tenantlimit.benchmarks.multiregion;

/**
 * TenantLimit's leases stretched across regions: one Redis in region 0 counts every permit before
 * it is used, each region reserves batches of about half a lease of its own traffic and admits
 * from them locally, fetching the next batch when half of one is used. A permit is scored at the
 * latest time it may be used (the lease's end; the request that fetched it at its reply's
 * arrival), so the sliding log's invariant holds across regions: never over the limit. A request
 * that finds no permit asks region 0 itself (a round trip) and takes the batch it brings.
 */
final class RegionLeases implements Strategy {

	private final int lease;

	private final Fenwick central;

	private final SlidingLog[] arrivals;

	private final Batch[] current;

	private final Batch[] next;

	private final boolean[] fetching;

	private final DenyCache denied;

	RegionLeases(int regions, int lease, int horizon) {
		this.lease = lease;
		this.denied = new DenyCache(regions);
		this.central = new Fenwick(horizon);
		this.arrivals = new SlidingLog[regions];
		this.current = new Batch[regions];
		this.next = new Batch[regions];
		this.fetching = new boolean[regions];
		for (int i = 0; i < regions; i++) {
			this.arrivals[i] = new SlidingLog(100);
		}
	}

	@Override
	public String name() {
		return "leases from one Redis, lease " + this.lease + " ms, deny cache";
	}

	@Override
	public void tick(World world) {
		for (int region = 0; region < world.regions; region++) {
			Batch batch = this.current[region];
			if (batch != null && (batch.left == 0 || world.now >= batch.end)) {
				giveBack(world, region, batch);
				this.current[region] = this.next[region];
				this.next[region] = null;
			}
		}
	}

	@Override
	public void arrive(World world, int region) {
		this.arrivals[region].add(world.now);
		Batch batch = this.current[region];
		if ((batch == null || batch.left == 0 || world.now >= batch.end) && this.next[region] != null) {
			// the next batch takes over at once, not at the next tick
			if (batch != null) {
				giveBack(world, region, batch);
			}
			batch = this.next[region];
			this.current[region] = batch;
			this.next[region] = null;
		}
		if (batch != null && batch.left > 0 && world.now < batch.end && world.now >= batch.usableFrom) {
			batch.left--;
			world.admit(world.now, 0);
			if (batch.left == batch.size / 2) {
				fetch(world, region, false);
			}
			return;
		}
		if (!this.denied.refuses(world, region)) {
			fetch(world, region, true);
		}
	}

	/** Ask region 0 for a batch; {@code forRequest}: this request waits for it and takes one. */
	private void fetch(World world, int region, boolean forRequest) {
		boolean alreadyFetching = this.fetching[region];
		if (alreadyFetching && !forRequest) {
			return;
		}
		// while a batch is on its way, a request that found none is decided alone
		boolean batchFetch = !alreadyFetching;
		int want = batchFetch ? want(world, region) : 1;
		if (batchFetch) {
			this.fetching[region] = true;
		}
		int sent = world.now;
		int end = sent + this.lease;
		int trip = 2 * world.oneWay(region, 0);
		world.send(region, 0, () -> {
			long room = world.limit - this.central.count(world.now - world.window + 1, Integer.MAX_VALUE);
			int granted = (room < 1) ? 0 : (int) Math.min(want, room / 4);
			if (forRequest && room >= 1) {
				granted = Math.max(1, granted);
			}
			int usedNow = forRequest && granted > 0 ? 1 : 0;
			if (usedNow == 1) {
				// the request's own permit is used when the reply arrives
				this.central.add(sent + trip, 1);
			}
			if (granted - usedNow > 0) {
				this.central.add(end, granted - usedNow);
			}
			int grantedFinal = granted;
			int retryAfter = (granted > 0) ? 0 : this.central.retryAt(world.now, world.window, world.limit) - world.now;
			world.send(0, region, () -> {
				if (batchFetch) {
					this.fetching[region] = false;
				}
				if (forRequest) {
					if (grantedFinal > 0) {
						world.admit(world.now, world.now - sent);
					}
					else {
						world.refuse(world.now - sent);
						this.denied.refuse(world, region, sent + retryAfter);
					}
				}
				if (grantedFinal - usedNow > 0) {
					install(world, region, new Batch(grantedFinal - usedNow, end, world.now));
				}
			});
		});
	}

	private void install(World world, int region, Batch batch) {
		Batch inUse = this.current[region];
		if (inUse == null || inUse.left == 0 || world.now >= inUse.end) {
			if (inUse != null) {
				giveBack(world, region, inUse);
			}
			this.current[region] = batch;
		}
		else if (this.next[region] == null) {
			this.next[region] = batch;
		}
		else {
			giveBack(world, region, batch);
		}
	}

	private void giveBack(World world, int region, Batch batch) {
		int unused = batch.left;
		batch.left = 0;
		if (unused > 0) {
			world.send(region, 0, () -> this.central.add(batch.end, -unused));
		}
	}

	/** Half a lease of this region's traffic over the last 100 ms, at least 1. */
	private int want(World world, int region) {
		double perMs = this.arrivals[region].count(world.now) / 100.0;
		return Math.max(1, (int) Math.ceil(perMs * this.lease / 2));
	}

	private static final class Batch {

		final int size;

		final int end;

		final int usableFrom;

		int left;

		Batch(int size, int end, int usableFrom) {
			this.size = size;
			this.left = size;
			this.end = end;
			this.usableFrom = usableFrom;
		}

	}

	/** Counts by score (ms) with range sums: the central sliding log, entries also in the future. */
	private static final class Fenwick {

		private final long[] tree;

		Fenwick(int size) {
			this.tree = new long[size + 2];
		}

		void add(int score, long delta) {
			for (int i = score + 1; i < this.tree.length; i += i & -i) {
				this.tree[i] += delta;
			}
		}

		/** The first time from {@code now} on at which fewer than {@code limit} count in the window. */
		int retryAt(int now, int window, int limit) {
			int low = now;
			int high = this.tree.length - 2;
			while (low < high) {
				int middle = (low + high) >>> 1;
				if (count(middle - window + 1, Integer.MAX_VALUE) < limit) {
					high = middle;
				}
				else {
					low = middle + 1;
				}
			}
			return low;
		}

		long count(int from, int to) {
			return prefix(Math.min(to, this.tree.length - 2)) - prefix(from - 1);
		}

		private long prefix(int score) {
			long sum = 0;
			for (int i = Math.max(0, score + 1); i > 0; i -= i & -i) {
				sum += this.tree[i];
			}
			return sum;
		}

	}

}
