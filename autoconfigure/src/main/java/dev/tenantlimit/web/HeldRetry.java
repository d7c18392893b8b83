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
 * the 429 it would have had. It answers through the async context's request and response, the
 * container's own: the application's wrappers of them were for the request dispatch. Its
 * concurrency permit goes back, and its charges are sent, when the request completes.
 */
final class HeldRetry implements HeldRequests.Attempt {

	private final FilterParts parts;

	private final Tenant tenant;

	private final List<Quota> quotas;

	private final @Nullable RequestCharges charges;

	HeldRetry(FilterParts parts, Tenant tenant, List<Quota> quotas, @Nullable RequestCharges charges) {
		this.parts = parts;
		this.tenant = tenant;
		this.quotas = quotas;
		this.charges = charges;
	}

	@Override
	public @Nullable Duration run(AsyncContext async, boolean last) throws IOException {
		HttpServletRequest request = (HttpServletRequest) async.getRequest();
		HttpServletResponse response = (HttpServletResponse) async.getResponse();
		RateLimitDecision again;
		try {
			again = this.parts.limiter().tryAcquire(this.tenant.id(), this.quotas);
		}
		catch (RateLimiterUnavailableException ex) {
			this.parts.problems().unavailable(request, response, 1);
			answered(RequestObserver.UNAVAILABLE, async);
			return null;
		}
		if (again.allowed()) {
			this.parts.observer()
				.outcome(again.fallback() ? RequestObserver.FALLBACK : RequestObserver.ALLOWED, this.tenant.id());
			request.setAttribute(HeldRequests.ADMITTED_ATTRIBUTE, new HeldRequests.Admitted(
					new Passage(true, RequestObserver.ALLOWED, this.tenant.id(), this.tenant, null, this.charges), again));
			async.dispatch();
			return null;
		}
		if (!last) {
			return again.retryAfter();
		}
		this.parts.headers().write(response, again);
		this.parts.refusals().refused(this.tenant.id(), "with 429 after its delay");
		this.parts.problems().quotaExceeded(request, response, this.tenant.id(), again);
		answered(again.fallback() ? RequestObserver.FALLBACK : RequestObserver.DENIED, async);
		return null;
	}

	private void answered(String outcome, AsyncContext async) {
		this.parts.observer().outcome(outcome, this.tenant.id());
		async.complete();
	}

	/** What of the filter a held request needs to be decided and answered later. */
	record FilterParts(RateLimiter limiter, RateLimitHeaders headers, ProblemResponses problems,
			RequestObserver observer, RefusalLog refusals) {

	}

}
