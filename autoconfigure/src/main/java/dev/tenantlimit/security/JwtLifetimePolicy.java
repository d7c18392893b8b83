package dev.tenantlimit.security;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import io.jsonwebtoken.Claims;
import org.jspecify.annotations.Nullable;

/**
 * How long a verified token may live (RFC 8725: a token without {@code exp} is valid forever).
 * The signature, {@code exp} and {@code nbf} are jjwt's to check; this refuses what they let
 * through.
 *
 * @param requireExpiry whether a token without {@code exp} is refused
 * @param maxLifetime the furthest {@code exp} may be from now (plus the clock skew), or
 * {@code null} for no bound
 * @param clockSkew the skew allowed when checking {@code exp}
 */
public record JwtLifetimePolicy(boolean requireExpiry, @Nullable Duration maxLifetime, Duration clockSkew) {

	/** Tokens must expire, however far away. */
	public static final JwtLifetimePolicy EXPIRING = new JwtLifetimePolicy(true, null, Duration.ZERO);

	/** Why the token's lifetime is refused, or {@code null} when it is accepted. */
	public @Nullable String problem(Claims claims, Instant now) {
		Date expiration = claims.getExpiration();
		if (expiration == null) {
			return this.requireExpiry ? "The token has no 'exp' claim: tokens must expire" : null;
		}
		if (this.maxLifetime != null
				&& expiration.toInstant().isAfter(now.plus(this.maxLifetime).plus(this.clockSkew))) {
			return "The token's 'exp' is more than " + this.maxLifetime.toSeconds() + "s away, longer than a token "
					+ "here may live";
		}
		return null;
	}

}
