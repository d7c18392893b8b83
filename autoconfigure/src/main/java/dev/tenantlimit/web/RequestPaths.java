package dev.tenantlimit.web;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.util.UrlPathHelper;

/** The path quotas and exclusions are matched against. */
final class RequestPaths {

	private RequestPaths() {
	}

	/**
	 * The path within the application as the servlet container decoded and normalised it, so
	 * {@code /%61ctuator} or {@code /actuator/../api} cannot slip past an exclusion or a quota.
	 * Requests that never went through a servlet mapping (mock requests) fall back to the decoded
	 * request URI.
	 */
	static String of(HttpServletRequest request) {
		String path = request.getServletPath();
		String pathInfo = request.getPathInfo();
		if (pathInfo != null) {
			path = path + pathInfo;
		}
		return path.isEmpty() ? UrlPathHelper.defaultInstance.getPathWithinApplication(request) : path;
	}

}
