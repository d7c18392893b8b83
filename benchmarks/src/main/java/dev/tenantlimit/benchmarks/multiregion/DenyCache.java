package dev.tenantlimit.benchmarks.multiregion;

/**
 * TenantLimit's deny cache in each region: a refusal is answered from memory until its
 * Retry-After (counted from when the refused call was sent), at most 250 ms.
 */
final class DenyCache {

	private static final int MAX_AGE = 250;

	private final int[] until;

	DenyCache(int regions) {
		this.until = new int[regions];
	}

	/** Whether the request is refused from memory (and counted as such). */
	boolean refuses(World world, int region) {
		if (world.now < this.until[region]) {
			world.refuse(0);
			return true;
		}
		return false;
	}

	void refuse(World world, int region, int retryAt) {
		this.until[region] = Math.min(retryAt, world.now + MAX_AGE);
	}

}
