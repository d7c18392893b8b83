package dev.tenantlimit.autoconfigure;

/**
 * A JWT key property that cannot verify tokens. It names the property, never its value: a secret
 * must not reach a log, and Spring Boot's report of an invalid property value would print it
 * (with the value of every other source that sets it).
 */
class InvalidJwtKeyException extends RuntimeException {

	private final String property;

	private final String action;

	InvalidJwtKeyException(String property, String problem, String action) {
		super(property + ": " + problem);
		this.property = property;
		this.action = action;
	}

	String property() {
		return this.property;
	}

	String action() {
		return this.action;
	}

}
