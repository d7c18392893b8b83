package dev.tenantlimit.web;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Request ids for log correlation: the caller's {@code X-Request-Id} when it is a safe token
 * (a proxy or gateway set it), else a new random one. The filter puts it in the MDC for every
 * log line of the request and returns it in the response header.
 */
public final class RequestIds {

	/** Header that carries the request id, both ways. */
	public static final String HEADER = "X-Request-Id";

	/** MDC key of the request id, for log patterns: {@code %X{requestId}}. */
	public static final String MDC_KEY = "requestId";

	/** What a request id from outside may look like; anything else is replaced, not logged. */
	private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	private RequestIds() {
	}

	static String of(HttpServletRequest request) {
		String given = request.getHeader(HEADER);
		if (given != null && SAFE.matcher(given).matches()) {
			return given;
		}
		return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
	}

}
