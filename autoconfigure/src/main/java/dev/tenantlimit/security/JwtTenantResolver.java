package dev.tenantlimit.security;

import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;

import dev.tenantlimit.tenant.ApiKeys;
import dev.tenantlimit.tenant.TenantCache;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.InvalidClaimException;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.MalformedJwtException;
import io.jsonwebtoken.PrematureJwtException;
import io.jsonwebtoken.UnsupportedJwtException;
import io.jsonwebtoken.security.SecurityException;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Resolves the tenant from an {@code Authorization: Bearer} JWT, verified with jjwt: signature
 * (unsigned tokens are refused), {@code exp}/{@code nbf} with clock skew, and the {@code iss} and
 * {@code aud} the parser requires. The tenant is the value of one claim.
 */
public class JwtTenantResolver implements TenantResolver {

	/**
	 * Request attribute holding the claims ({@code Map<String, Object>}) of the token that named
	 * the tenant: what quotas counted {@code per: [claim:<name>]} read.
	 */
	public static final String CLAIMS_ATTRIBUTE = JwtTenantResolver.class.getName() + ".claims";

	private static final String BEARER = "Bearer ";

	private static final String CHALLENGE = "Bearer realm=\"tenantlimit\", error=\"invalid_token\"";

	private final JwtParser parser;

	private final String tenantClaim;

	private final JwtLifetimePolicy lifetime;

	private final @Nullable TenantCache apiKeys;

	private final @Nullable VerifiedTokens verified;

	/**
	 * A resolver that refuses tokens without {@code exp}.
	 * @param parser verifies signature and claims; it must not accept unsigned tokens
	 * @param tenantClaim the claim that holds the tenant id
	 */
	public JwtTenantResolver(JwtParser parser, String tenantClaim) {
		this(parser, tenantClaim, JwtLifetimePolicy.EXPIRING);
	}

	/**
	 * @param parser verifies signature and claims; it must not accept unsigned tokens
	 * @param tenantClaim the claim that holds the tenant id
	 * @param lifetime whether tokens must expire, and how far away at most
	 */
	public JwtTenantResolver(JwtParser parser, String tenantClaim, JwtLifetimePolicy lifetime) {
		this(parser, tenantClaim, lifetime, null);
	}

	/**
	 * @param parser verifies signature and claims; it must not accept unsigned tokens
	 * @param tenantClaim the claim that holds the tenant id
	 * @param lifetime whether tokens must expire, and how far away at most
	 * @param apiKeys where a token exchanged for an API key finds whether the key still works,
	 * or {@code null} to take such tokens at their word
	 */
	public JwtTenantResolver(JwtParser parser, String tenantClaim, JwtLifetimePolicy lifetime,
			@Nullable TenantCache apiKeys) {
		this(parser, tenantClaim, lifetime, apiKeys, 0);
	}

	/**
	 * @param parser verifies signature and claims; it must not accept unsigned tokens
	 * @param tenantClaim the claim that holds the tenant id
	 * @param lifetime whether tokens must expire, and how far away at most
	 * @param apiKeys where a token exchanged for an API key finds whether the key still works,
	 * or {@code null} to take such tokens at their word
	 * @param cacheSize how many verified tokens are remembered, so they are not verified on every
	 * request; 0 for none
	 */
	public JwtTenantResolver(JwtParser parser, String tenantClaim, JwtLifetimePolicy lifetime,
			@Nullable TenantCache apiKeys, long cacheSize) {
		this.parser = parser;
		this.tenantClaim = tenantClaim;
		this.lifetime = lifetime;
		this.apiKeys = apiKeys;
		this.verified = (cacheSize > 0) ? new VerifiedTokens(cacheSize, lifetime.clockSkew()) : null;
	}

	@Override
	public @Nullable String resolveTenantId(HttpServletRequest request) {
		String token = bearerToken(request);
		if (token == null) {
			return null;
		}
		Instant now = Instant.now();
		VerifiedTokens.Verified known = (this.verified != null) ? this.verified.get(token, now) : null;
		if (known == null) {
			known = verifyAndRead(token, now);
			if (this.verified != null) {
				this.verified.put(token, known);
			}
		}
		// may have changed since the token was verified: checked on every request
		if (this.apiKeys != null && known.apiKeyHash() != null
				&& !this.apiKeys.tenantIdForApiKeyHash(known.apiKeyHash()).filter(known.tenantId()::equals).isPresent()) {
			throw invalid("The API key this token was exchanged for is revoked");
		}
		request.setAttribute(CLAIMS_ATTRIBUTE, known.claims());
		return known.tenantId();
	}

	private VerifiedTokens.Verified verifyAndRead(String token, Instant now) {
		Claims claims = verify(token);
		String lifetimeProblem = this.lifetime.problem(claims, now);
		if (lifetimeProblem != null) {
			throw invalid(lifetimeProblem);
		}
		if (!(claims.get(this.tenantClaim) instanceof String tenantId) || tenantId.isBlank()) {
			throw invalid("The token has no '" + this.tenantClaim + "' claim");
		}
		Object key = claims.get(ApiKeys.TOKEN_CLAIM);
		if (key != null && !(key instanceof String)) {
			// a claim that would skip the revocation check if it were ignored
			throw invalid("The token's '" + ApiKeys.TOKEN_CLAIM + "' claim is not a key hash");
		}
		String keyHash = (String) key;
		return new VerifiedTokens.Verified(tenantId, keyHash, instant(claims.getNotBefore()),
				instant(claims.getExpiration()), Collections.unmodifiableMap(new HashMap<>(claims)));
	}

	private static @Nullable Instant instant(java.util.@Nullable Date date) {
		return (date != null) ? date.toInstant() : null;
	}

	/** The token of an {@code Authorization: Bearer} header, or {@code null} without one. */
	public static @Nullable String bearerToken(HttpServletRequest request) {
		String authorization = request.getHeader("Authorization");
		if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			return null;
		}
		return authorization.substring(BEARER.length()).strip();
	}

	private Claims verify(String token) {
		if (token.isEmpty()) {
			throw invalid("The bearer token is empty");
		}
		try {
			return this.parser.parseSignedClaims(token).getPayload();
		}
		catch (ExpiredJwtException ex) {
			throw invalid("The token has expired");
		}
		catch (PrematureJwtException ex) {
			throw invalid("The token is not valid yet");
		}
		catch (InvalidClaimException ex) {
			throw invalid("The token's '" + ex.getClaimName() + "' claim is missing or not accepted");
		}
		catch (UnsupportedJwtException ex) {
			// jjwt takes a payload that is no claims set (JwtJson refused it) for other content
			throw invalid(String.valueOf(ex.getMessage()).contains("content")
					? "The token's claims cannot be read: not JSON, a claim named twice, or a time claim that is not "
							+ "a number of seconds"
					: "The token is unsigned or of an unsupported kind");
		}
		catch (MalformedJwtException | IllegalArgumentException ex) {
			throw invalid("The token is malformed");
		}
		catch (SecurityException ex) {
			throw invalid("The token's signature is invalid");
		}
		catch (JwtException ex) {
			throw invalid("The token is invalid");
		}
	}

	private static InvalidCredentialsException invalid(String message) {
		return new InvalidCredentialsException(CHALLENGE, message);
	}

}
