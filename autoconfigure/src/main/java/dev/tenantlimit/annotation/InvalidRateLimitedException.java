package dev.tenantlimit.annotation;

/** A {@link RateLimited} annotation that declares no valid quota: start-up fails, naming it. */
public class InvalidRateLimitedException extends IllegalStateException {

	public InvalidRateLimitedException(String message, Throwable cause) {
		super(message, cause);
	}

	public InvalidRateLimitedException(String message) {
		super(message);
	}

}
