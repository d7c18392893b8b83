package dev.tenantlimit.web;

import java.io.IOException;
import java.util.List;

import dev.tenantlimit.limiter.RateLimitDecision;
import dev.tenantlimit.limiter.RateLimiter;
import dev.tenantlimit.limiter.RateLimiterUnavailableException;
import dev.tenantlimit.quota.Quota;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Requests without credentials, let in by {@code allow-anonymous}, limited per client address by
 * {@code tenantlimit.anonymous.quotas}: counted like a tenant's (same script, leases, fallback),
 * under {@code @<address>}, a name no tenant can have. The address is the request's remote
 * address as the container reports it (with {@code server.forward-headers-strategy}, what the
 * trusted proxies said), read as an IP literal: IPv4 per address, IPv6 per /64 (a client
 * usually holds a whole /64), anything else (no address, a name) in one shared {@code unknown}
 * count, so no client picks the text of its counter. The application sees no tenant, and metrics
 * count these requests as they count any request without a tenant.
 */
final class AnonymousLimits {

	/** Starts the counter name of a client address: tenant ids start with a letter or digit. */
	static final String PREFIX = "@";

	private final RateLimiter limiter;

	private final RateLimitHeaders headers;

	private final ProblemResponses problems;

	private final RequestObserver observer;

	private final RequestQuotas requestQuotas;

	AnonymousLimits(RateLimiter limiter, RateLimitHeaders headers, ProblemResponses problems,
			RequestObserver observer, RequestQuotas requestQuotas) {
		this.limiter = limiter;
		this.headers = headers;
		this.problems = problems;
		this.observer = observer;
		this.requestQuotas = requestQuotas;
	}

	/** Decide with the anonymous quotas, and those of the request's handler, for the client's address. */
	Passage decide(TenantRateLimitFilter.Settings settings, HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		List<Quota> quotas = this.requestQuotas.of(settings.anonymousQuotas(), request);
		if (quotas.isEmpty()) {
			return new Passage(true, RequestObserver.BYPASSED, null, null, null);
		}
		String address = ClientAddresses.counted(request.getRemoteAddr());
		RateLimitDecision decision;
		long start = System.nanoTime();
		try {
			decision = this.limiter.tryAcquire(PREFIX + address, quotas);
		}
		catch (RateLimiterUnavailableException ex) {
			this.problems.unavailable(request, response, 1);
			return Passage.refused(RequestObserver.UNAVAILABLE, null);
		}
		finally {
			this.observer.decision(System.nanoTime() - start);
		}
		this.headers.write(response, decision);
		if (!decision.allowed() && !settings.dryRun()) {
			this.problems.clientQuotaExceeded(request, response, address, decision);
			return Passage.refused(decision.fallback() ? RequestObserver.FALLBACK : RequestObserver.DENIED, null);
		}
		boolean wouldRefuse = !decision.allowed() || !decision.shadowViolated().isEmpty();
		String outcome = wouldRefuse ? RequestObserver.DRY_RUN_DENIED
				: decision.fallback() ? RequestObserver.FALLBACK : RequestObserver.ALLOWED;
		return new Passage(true, outcome, null, null, null);
	}

}
