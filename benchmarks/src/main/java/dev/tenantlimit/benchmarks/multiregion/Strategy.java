package dev.tenantlimit.benchmarks.multiregion;

/** How the regions decide one global limit between them. */
interface Strategy {

	String name();

	/** A request arrives in {@code region} now: admit it, refuse it, or ask and decide later. */
	void arrive(World world, int region);

	/** Called once a millisecond, before the arrivals, after the messages due. */
	default void tick(World world) {
	}

}
