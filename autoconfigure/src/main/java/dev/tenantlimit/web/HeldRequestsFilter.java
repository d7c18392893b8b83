package dev.tenantlimit.web;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;

/**
 * Where a request that {@link TenantRateLimitFilter} decided to hold (a quota's {@code delay}) is
 * held: at the end of the filter chain, just before the servlet, registered for the request
 * dispatch only. The application's filters have run by then, as for any request, and the held
 * request goes asynchronous the way one whose controller returned a {@code Callable} does: its
 * admission is an async dispatch, which filters that want to see it map and the others skip. Held
 * any earlier, a request admitted later would skip the request-only filters between the two, an
 * authorization filter among them.
 */
public final class HeldRequestsFilter implements Filter, Ordered {

	private final TenantLimits limits;

	HeldRequestsFilter(TenantLimits limits) {
		this.limits = limits;
	}

	/** Last: a filter the application orders at the lowest precedence too should keep a lower order. */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		if (request.getAttribute(HeldRequests.PENDING_ATTRIBUTE) instanceof HeldRequests.Pending pending) {
			request.removeAttribute(HeldRequests.PENDING_ATTRIBUTE);
			this.limits.hold(pending, (HttpServletRequest) request, (HttpServletResponse) response);
			return;
		}
		chain.doFilter(request, response);
	}

}
