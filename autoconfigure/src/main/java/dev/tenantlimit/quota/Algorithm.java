package dev.tenantlimit.quota;

import java.util.Locale;

/**
 * How a quota counts. Every algorithm keeps the same contract: one atomic decision per request
 * over all the quotas that match it, on Redis's clock.
 */
public enum Algorithm {

	/**
	 * {@link #SLIDING_LOG} up to a configured limit ({@code tenantlimit.algorithms.log-max-limit},
	 * 1 000 by default), {@link #SLIDING_COUNTER} above it.
	 */
	AUTO,

	/**
	 * Exact: one entry per admitted request in a sorted set. Memory grows with the limit (about
	 * 36 bytes per entry up to 128 entries, ~120 above).
	 */
	SLIDING_LOG,

	/**
	 * Approximate, bounded memory: one counter per sub-window (a tenth of the window by default),
	 * the oldest weighted by how much of it is still inside the window. Never admits more than the
	 * limit plus what one sub-window admitted.
	 */
	SLIDING_COUNTER,

	/**
	 * A bucket of {@code burst} tokens (the limit when not set), refilled at {@code limit} per
	 * window; each request takes one.
	 */
	TOKEN_BUCKET;

	/** The name used in configuration and in the admin API: {@code sliding-log}... */
	public String id() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * The algorithm named {@code id} ({@code auto}, {@code sliding-log}, {@code sliding-counter},
	 * {@code token-bucket}; case and {@code _} for {@code -} do not matter).
	 * @throws IllegalArgumentException for any other name
	 */
	public static Algorithm of(String id) {
		String normalized = id.trim().toUpperCase(Locale.ROOT).replace('-', '_');
		for (Algorithm algorithm : values()) {
			if (algorithm.name().equals(normalized)) {
				return algorithm;
			}
		}
		throw new IllegalArgumentException("'" + id + "' is not an algorithm (auto, sliding-log, sliding-counter, token-bucket)");
	}

	/** This algorithm, or for {@link #AUTO} the one a quota with this limit uses. */
	public Algorithm resolve(long limit, long logMaxLimit) {
		if (this != AUTO) {
			return this;
		}
		return (limit > logMaxLimit) ? SLIDING_COUNTER : SLIDING_LOG;
	}

}
