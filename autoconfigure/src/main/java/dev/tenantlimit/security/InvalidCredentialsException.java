package dev.tenantlimit.security;

/**
 * Credentials were presented and rejected. The message is shown to the client: it says what is
 * wrong without echoing the credentials or the validator's internals.
 */
public class InvalidCredentialsException extends RuntimeException {

	private final String challenge;

	/**
	 * @param challenge the {@code WWW-Authenticate} value to answer with
	 * @param message what is wrong, safe to show to the client
	 */
	public InvalidCredentialsException(String challenge, String message) {
		super(message, null, false, false);
		this.challenge = challenge;
	}

	/** The {@code WWW-Authenticate} value to answer with. */
	public String getChallenge() {
		return this.challenge;
	}

}
