package dev.tenantlimit.web;

import java.io.IOException;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Where a request that {@link TenantRateLimitFilter} decided to hold (a quota's {@code delay}) is
 * held: at the end of the filter chain, just before the servlet. The application's filters have
 * run by then, as for any request, and the held request goes asynchronous the way one whose
 * controller returned a {@code Callable} does: its admission is an async dispatch, which filters
 * that want to see it map and the others skip. Held any earlier, a request admitted later would
 * skip the request-only filters between the two, an authorization filter among them.
 * <p>
 * A plain filter bean of the lowest precedence, so Spring Boot puts it after every registration
 * of that order and after the application's own filter beans (their definitions come before any
 * auto-configuration's). As a {@link OncePerRequestFilter} it is mapped to every dispatch: a
 * filter that forwards the request (a URL rewrite) reaches the servlet by a forward dispatch,
 * where it is held all the same.
 */
public final class HeldRequestsFilter extends OncePerRequestFilter implements Ordered {

	private final TenantLimits limits;

	HeldRequestsFilter(TenantLimits limits) {
		this.limits = limits;
	}

	/** Last: a filter that must run before the hold needs a lower order. */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		DispatcherType dispatch = request.getDispatcherType();
		if ((dispatch == DispatcherType.REQUEST || dispatch == DispatcherType.FORWARD)
				&& request.getAttribute(HeldRequests.PENDING_ATTRIBUTE) instanceof HeldRequests.Pending pending) {
			request.removeAttribute(HeldRequests.PENDING_ATTRIBUTE);
			this.limits.hold(pending, request, response);
			return;
		}
		chain.doFilter(request, response);
	}

}
