package dev.tenantlimit.limiter;

import org.jspecify.annotations.Nullable;

/** The limiter could not reach its backing store, or made no sense of its answer, so it could not decide. */
public class RateLimiterUnavailableException extends RuntimeException {

	private final Reason reason;

	public RateLimiterUnavailableException(String message, @Nullable Throwable cause) {
		this(Reason.FAILED, message, cause);
	}

	public RateLimiterUnavailableException(Reason reason, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.reason = reason;
	}

	/** Why the store could not decide: what the failover makes of it. */
	public Reason reason() {
		return this.reason;
	}

	/** Why a decision could not be made. */
	public enum Reason {

		/** No connection to the store: refused, lost, or not open again yet. */
		UNREACHABLE,

		/** The store is connected but did not answer within the timeout. */
		LATE,

		/** The store answered with an error, or with something that is not a decision. */
		FAILED

	}

}
