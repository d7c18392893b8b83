package dev.tenantlimit.tenant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * API keys: {@code tl_} followed by 32 random URL-safe characters (192 bits). Only the SHA-256 of
 * a key is stored; a key's entropy makes a salt unnecessary and lets the hash be an index.
 */
public final class ApiKeys {

	/** What every generated key starts with, so leaked keys are easy to recognise and scan for. */
	public static final String PREFIX = "tl_";

	/** Characters of a key kept in clear for display. */
	public static final int DISPLAY_PREFIX_LENGTH = 8;

	/**
	 * Claim of a token exchanged for a key ({@code POST /admin/token}): the key's hash, so the
	 * token dies with the key.
	 */
	public static final String TOKEN_CLAIM = "tl_key";

	private static final SecureRandom RANDOM = new SecureRandom();

	private ApiKeys() {
	}

	/** A new random key. */
	public static String generate() {
		byte[] bytes = new byte[24];
		RANDOM.nextBytes(bytes);
		return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/** Lower-case hex SHA-256 of the key's UTF-8 bytes. */
	public static String hash(String key) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			return HexFormat.of().formatHex(digest.digest(key.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every JVM", ex);
		}
	}

	/** The start of a key that may be shown, e.g. {@code tl_AbC12}. */
	public static String displayPrefix(String key) {
		return key.substring(0, Math.min(DISPLAY_PREFIX_LENGTH, key.length()));
	}

}
