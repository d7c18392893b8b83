package dev.tenantlimit.web;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import dev.tenantlimit.limiter.RateLimitDecision;
import dev.tenantlimit.limiter.RateLimiter;
import dev.tenantlimit.limiter.RateLimiterUnavailableException;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.tenant.Tenant;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

/**
 * A held request of a tenant, decided again: admitted, it is dispatched to be served with the
 * headers of the decision that admitted it (which counted it); refused on its last try, it gets
 * the 429 it would have had; the concurrency permit it kept goes back when it is answered.
 */
final class HeldRetry implements HeldRequests.Attempt {

	private final FilterParts parts;

	private final Tenant tenant;

	private final List<Quota> quotas;

	private final ConcurrencyLimits.@Nullable Permit permit;

	private final @Nullable RequestCharges charges;

	private final HttpServletRequest request;

	private final HttpServletResponse response;

	HeldRetry(FilterParts parts, Tenant tenant, List<Quota> quotas, ConcurrencyLimits.@Nullable Permit permit,
			@Nullable RequestCharges charges, HttpServletRequest request, HttpServletResponse response) {
		this.parts = parts;
		this.tenant = tenant;
		this.quotas = quotas;
		this.permit = permit;
		this.charges = charges;
		this.request = request;
		this.response = response;
	}

	@Override
	public @Nullable Duration run(AsyncContext async, boolean last) throws IOException {
		RateLimitDecision again;
		try {
			again = this.parts.limiter().tryAcquire(this.tenant.id(), this.quotas);
		}
		catch (RateLimiterUnavailableException ex) {
			this.parts.problems().unavailable(this.request, this.response, 1);
			answered(RequestObserver.UNAVAILABLE, async);
			return null;
		}
		if (again.allowed()) {
			this.parts.headers().write(this.response, again);
			this.parts.observer()
				.outcome(again.fallback() ? RequestObserver.FALLBACK : RequestObserver.ALLOWED, this.tenant.id());
			this.request.setAttribute(HeldRequests.ADMITTED_ATTRIBUTE,
					new Passage(true, RequestObserver.ALLOWED, this.tenant.id(), this.tenant, this.permit, this.charges));
			async.dispatch();
			return null;
		}
		if (!last) {
			return again.retryAfter();
		}
		this.parts.headers().write(this.response, again);
		this.parts.refusals().refused(this.tenant.id(), "with 429 after its delay");
		this.parts.problems().quotaExceeded(this.request, this.response, this.tenant.id(), again);
		answered(again.fallback() ? RequestObserver.FALLBACK : RequestObserver.DENIED, async);
		return null;
	}

	@Override
	public void abandoned() {
		if (this.permit != null) {
			this.permit.close();
		}
	}

	private void answered(String outcome, AsyncContext async) {
		this.parts.observer().outcome(outcome, this.tenant.id());
		abandoned();
		async.complete();
	}

	/** What of the filter a held request needs to be decided and answered later. */
	record FilterParts(RateLimiter limiter, RateLimitHeaders headers, ProblemResponses problems,
			RequestObserver observer, RefusalLog refusals) {

	}

}
