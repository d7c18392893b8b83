package dev.tenantlimit.quota;

/**
 * What the limiters need to know beyond a quota itself to count it.
 *
 * @param logMaxLimit largest limit an {@link Algorithm#AUTO} quota counts with the exact sliding
 * log, at most {@link Quota#MAX_LOG_LIMIT}; larger limits use the sliding counter
 * @param subWindows number of sub-windows of a sliding counter, from 2 to 100
 */
public record AlgorithmSettings(long logMaxLimit, int subWindows) {

	/** 1 000 and 10 sub-windows. */
	public static final AlgorithmSettings DEFAULTS = new AlgorithmSettings(1000, 10);

	public AlgorithmSettings {
		if (logMaxLimit < 1 || logMaxLimit > Quota.MAX_LOG_LIMIT) {
			throw new IllegalArgumentException(
					"log-max-limit must be from 1 to " + Quota.MAX_LOG_LIMIT + ", was " + logMaxLimit);
		}
		if (subWindows < 2 || subWindows > 100) {
			throw new IllegalArgumentException("sub-windows must be from 2 to 100, was " + subWindows);
		}
	}

	/** The algorithm that counts {@code quota}: its own, or for {@code auto} the one its limit calls for. */
	public Algorithm algorithm(Quota quota) {
		return quota.algorithm().resolve(quota.limit(), this.logMaxLimit);
	}

	/**
	 * Identifies the counter of {@code quota} within its tenant: what it counts plus, since each
	 * algorithm keeps another kind of state, the algorithm ({@code :c10} for a sliding counter of
	 * 10 sub-windows, {@code :b} for a token bucket; nothing for the log).
	 */
	public String counterKey(Quota quota) {
		return switch (algorithm(quota)) {
			case SLIDING_COUNTER -> quota.counterKey() + ":c" + this.subWindows;
			case TOKEN_BUCKET -> quota.counterKey() + ":b";
			default -> quota.counterKey();
		};
	}

}
