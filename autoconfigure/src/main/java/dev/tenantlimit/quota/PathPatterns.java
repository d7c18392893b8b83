package dev.tenantlimit.quota;

import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.AntPathMatcher;

/**
 * The Ant-style patterns of quota paths and exclusions: what may be written, and matching that
 * cannot fail on the request path. Allowed: literal path characters, {@code ?}, {@code *} (at most
 * {@value #MAX_STARS_PER_SEGMENT} in a segment), {@code **} as a whole segment and {@code {name}}
 * variables. Refused: regular-expression variables ({@code {id:[0-9]+}}), which a quota does not
 * need and which can fail to compile or take exponential time to match, and anything the matcher
 * would misread (unbalanced braces, control characters), or that no normalised path can have
 * (empty, {@code .} and {@code ..} segments, {@code ;} parameters).
 */
public final class PathPatterns {

	/** Longest pattern stored. */
	public static final int MAX_LENGTH = 512;

	private static final int MAX_STARS_PER_SEGMENT = 2;

	private static final Pattern SEGMENT = Pattern
		.compile("\\*\\*|([A-Za-z0-9._~!$&'()+,=:@*?-]|\\{[A-Za-z_][A-Za-z0-9_]*\\})*");

	private static final AntPathMatcher MATCHER = new AntPathMatcher();

	private static final Log logger = LogFactory.getLog(PathPatterns.class);

	private PathPatterns() {
	}

	/** What is wrong with this pattern, or {@code null} when it may be stored. */
	public static @Nullable String problem(@Nullable String pattern) {
		if (pattern == null || pattern.isEmpty() || pattern.charAt(0) != '/') {
			return "must start with '/'";
		}
		if (pattern.length() > MAX_LENGTH) {
			return "must have at most " + MAX_LENGTH + " characters";
		}
		String[] segments = pattern.substring(1).split("/", -1);
		for (int i = 0; i < segments.length; i++) {
			String segment = segments[i];
			// the paths matched are normalised: no empty, '.' or '..' segment, no ';' parameters
			if ((segment.isEmpty() && i < segments.length - 1) || segment.equals(".") || segment.equals("..")) {
				return "must not have empty, '.' or '..' segments (the paths it is matched against have none), was '"
						+ printable(pattern) + "'";
			}
			if (!SEGMENT.matcher(segment).matches()) {
				return "must be an Ant-style pattern of path characters, '?', '*', '**' and {name} variables "
						+ "(no regular expressions), was '" + printable(pattern) + "'";
			}
			if (!"**".equals(segment) && segment.chars().filter((c) -> c == '*').count() > MAX_STARS_PER_SEGMENT) {
				return "may have at most " + MAX_STARS_PER_SEGMENT + " '*' in one segment";
			}
		}
		return null;
	}

	/**
	 * Whether the path matches. Where the matcher cannot evaluate a pattern (one stored before
	 * these rules), it is taken as matching: a broken quota still limits, and is logged, rather
	 * than failing the request or letting it through unlimited.
	 */
	public static boolean matches(String pattern, String path) {
		try {
			return MATCHER.match(pattern, path);
		}
		catch (RuntimeException ex) {
			if (logger.isWarnEnabled()) {
				logger.warn("Quota path pattern '" + printable(pattern) + "' cannot be matched (" + ex.getClass().getSimpleName()
						+ "): taken as matching; replace it through the admin API");
			}
			return true;
		}
	}

	private static String printable(String text) {
		StringBuilder out = new StringBuilder();
		text.codePoints().limit(100).forEach((c) -> {
			if (c >= 32 && c < 127) {
				out.appendCodePoint(c);
			}
			else {
				out.append(String.format("\\u%04x", c));
			}
		});
		return out.toString();
	}

}
