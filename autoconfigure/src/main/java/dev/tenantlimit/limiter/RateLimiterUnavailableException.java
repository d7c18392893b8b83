package dev.tenantlimit.limiter;

/** The limiter could not reach its backing store, so it could not decide. */
public class RateLimiterUnavailableException extends RuntimeException {

	public RateLimiterUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
