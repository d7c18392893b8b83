package dev.tenantlimit.quota;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * What a quota's {@code per} may name: {@code client-ip} (the client address, as anonymous
 * callers are counted), {@code path} (the request's path), {@code header:<name>} and
 * {@code claim:<name>} (of the tenant's verified JWT). A quota with {@code per} keeps one counter
 * for each combination of those values within the tenant, named by a digest of them: a key of
 * bounded length, whatever a client sends, and no address or header value stored in Redis.
 */
public final class CounterDimensions {

	public static final String CLIENT_IP = "client-ip";

	public static final String PATH = "path";

	public static final String HEADER_PREFIX = "header:";

	public static final String CLAIM_PREFIX = "claim:";

	/**
	 * Most counters an instance keeps in memory for one tenant (the fallback's windows and what
	 * it last saw of Redis); beyond that, those of values of {@code per} are forgotten and start
	 * afresh, while the tenant-wide ones stay: a tenant with more clients cannot grow the heap
	 * without bound, and its tenant-wide quotas still hold.
	 */
	public static final int MAX_REMEMBERED_PER_TENANT = 10_000;

	/** Most dimensions one quota is counted per. */
	public static final int MAX_DIMENSIONS = 4;

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

	private CounterDimensions() {
	}

	/**
	 * The dimensions, checked and unmodifiable.
	 * @throws IllegalArgumentException naming what is wrong
	 */
	static List<String> check(List<String> dimensions) {
		if (dimensions.size() > MAX_DIMENSIONS) {
			throw new IllegalArgumentException("per takes at most " + MAX_DIMENSIONS + " dimensions");
		}
		Set<String> seen = new HashSet<>();
		for (String dimension : dimensions) {
			String problem = problem(dimension);
			if (problem != null) {
				throw new IllegalArgumentException(problem);
			}
			if (!seen.add(dimension)) {
				throw new IllegalArgumentException("per names '" + dimension + "' twice");
			}
		}
		return List.copyOf(dimensions);
	}

	/** What is wrong with one dimension, or {@code null} when nothing is. */
	public static @Nullable String problem(@Nullable String dimension) {
		if (dimension == null) {
			return "a per dimension must not be null";
		}
		if (dimension.equals(CLIENT_IP) || dimension.equals(PATH)) {
			return null;
		}
		String name = dimension.startsWith(HEADER_PREFIX) ? dimension.substring(HEADER_PREFIX.length())
				: dimension.startsWith(CLAIM_PREFIX) ? dimension.substring(CLAIM_PREFIX.length()) : null;
		if (name != null && NAME.matcher(name).matches()) {
			return null;
		}
		return "per must name client-ip, path, header:<name> or claim:<name> (letters, digits, '_', '.', '-'), was '"
				+ dimension + "'";
	}

	/**
	 * The counter name of one request's values, in the order of the quota's dimensions: 22
	 * characters of base64url SHA-256 (128 bits: distinct values never share a counter in practice).
	 */
	public static String key(List<String> values) {
		MessageDigest sha256;
		try {
			sha256 = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
		for (String value : values) {
			// length first: ("a", "bc") and ("ab", "c") differ
			byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
			sha256.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
			sha256.update((byte) ':');
			sha256.update(bytes);
		}
		return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256.digest()).substring(0, 22);
	}

}
