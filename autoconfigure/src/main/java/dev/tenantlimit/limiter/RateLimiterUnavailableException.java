package dev.tenantlimit.limiter;

import org.jspecify.annotations.Nullable;

/** The limiter could not reach its backing store, or made no sense of its answer, so it could not decide. */
public class RateLimiterUnavailableException extends RuntimeException {

	public RateLimiterUnavailableException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
