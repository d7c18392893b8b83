package dev.tenantlimit.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import org.jspecify.annotations.Nullable;

/**
 * Tokens verified a moment ago, so a hot tenant's token is not verified again on every request
 * (signature, JSON: jjwt was 12 % of the CPU at saturation). Keyed by the token's SHA-256, so the
 * heap holds no bearer credential; an entry lives until the token expires (at most
 * {@link #MAX_AGE}) and is checked against {@code exp} and {@code nbf} on every hit. Only
 * verified tokens get in: random tokens cannot fill it. What can change while a token is valid
 * (the tenant's status, the revocation of the key it was exchanged for) is checked on every
 * request all the same, by the caller.
 */
final class VerifiedTokens {

	/** Longest an entry lives, also for tokens without {@code exp}. */
	static final Duration MAX_AGE = Duration.ofMinutes(10);

	private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every JVM", ex);
		}
	});

	private final Cache<String, Verified> cache;

	private final Duration clockSkew;

	VerifiedTokens(long maximumSize, Duration clockSkew) {
		this.clockSkew = clockSkew;
		this.cache = Caffeine.newBuilder()
			.maximumSize(maximumSize)
			.expireAfter(Expiry.<String, Verified>creating((key, verified) -> lifetime(verified)))
			.build();
	}

	/** What was verified of this token, if it was and still is valid at {@code now}. */
	@Nullable Verified get(String token, Instant now) {
		String key = key(token);
		Verified verified = this.cache.getIfPresent(key);
		if (verified == null) {
			return null;
		}
		if ((verified.expiresAt() != null && now.isAfter(verified.expiresAt().plus(this.clockSkew)))
				|| (verified.notBefore() != null && now.isBefore(verified.notBefore().minus(this.clockSkew)))) {
			// verify it again, for the precise refusal
			this.cache.invalidate(key);
			return null;
		}
		return verified;
	}

	void put(String token, Verified verified) {
		this.cache.put(key(token), verified);
	}

	private Duration lifetime(Verified verified) {
		if (verified.expiresAt() == null) {
			return MAX_AGE;
		}
		Duration left = Duration.between(Instant.now(), verified.expiresAt().plus(this.clockSkew));
		return left.isNegative() ? Duration.ZERO : (left.compareTo(MAX_AGE) < 0 ? left : MAX_AGE);
	}

	private static String key(String token) {
		return Base64.getEncoder().encodeToString(SHA_256.get().digest(token.getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * What a verified token says.
	 *
	 * @param tenantId its tenant
	 * @param apiKeyHash the hash of the API key it was exchanged for, or {@code null}
	 * @param notBefore its {@code nbf}, or {@code null}
	 * @param expiresAt its {@code exp}, or {@code null}
	 * @param claims all its claims (quotas may be counted per claim)
	 */
	record Verified(String tenantId, @Nullable String apiKeyHash, @Nullable Instant notBefore,
			@Nullable Instant expiresAt, Map<String, Object> claims) {

	}

}
