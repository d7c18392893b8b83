package dev.tenantlimit.web;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import dev.tenantlimit.annotation.HandlerQuotas;
import dev.tenantlimit.limiter.Charger;
import dev.tenantlimit.limiter.QuotaUsage;
import dev.tenantlimit.limiter.RateLimitDecision;
import dev.tenantlimit.limiter.RateLimiter;
import dev.tenantlimit.limiter.RateLimiterUnavailableException;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.tenant.Tenant;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

/**
 * A tenant's request against its quotas: which apply ({@link RequestQuotas}), one decision of the
 * limiter, the headers, and then a 429, a hold for quotas with a delay, or a passage with what the
 * application may charge. {@link AnonymousLimits} does the same for requests without credentials.
 */
final class TenantLimits {

	private final RateLimiter limiter;

	private final RateLimitHeaders headers;

	private final ProblemResponses problems;

	private final RequestObserver observer;

	private final RefusalLog refusals;

	private final RequestQuotas requestQuotas = new RequestQuotas();

	private final HeldRetry.FilterParts heldParts;

	private volatile @Nullable Charger charger;

	private volatile @Nullable HeldRequests held;

	TenantLimits(RateLimiter limiter, RateLimitHeaders headers, ProblemResponses problems, RequestObserver observer,
			RefusalLog refusals) {
		this.limiter = limiter;
		this.headers = headers;
		this.problems = problems;
		this.observer = observer;
		this.refusals = refusals;
		this.heldParts = new HeldRetry.FilterParts(limiter, headers, problems, observer, refusals);
	}

	RequestQuotas requestQuotas() {
		return this.requestQuotas;
	}

	void handlerQuotas(@Nullable HandlerQuotas handlerQuotas) {
		this.requestQuotas.handlerQuotas(handlerQuotas);
	}

	void charger(@Nullable Charger charger) {
		this.charger = charger;
	}

	@Nullable Charger charger() {
		return this.charger;
	}

	void shaping(@Nullable HeldRequests requests) {
		this.held = requests;
	}

	/** Where requests to hold are held: to be registered at the end of the filter chain. */
	HeldRequestsFilter holdingFilter() {
		return new HeldRequestsFilter(this);
	}

	int heldRequests() {
		HeldRequests requests = this.held;
		return (requests != null) ? requests.waiting() : 0;
	}

	void close() {
		HeldRequests requests = this.held;
		if (requests != null) {
			requests.close();
		}
	}

	/** Decide, write the headers, and answer a refusal. */
	Passage admit(Tenant tenant, TenantRateLimitFilter.Settings settings, HttpServletRequest request,
			HttpServletResponse response, ConcurrencyLimits.@Nullable Permit permit) throws IOException {
		List<Quota> quotas = this.requestQuotas.of(tenant.quotas().isEmpty() ? settings.defaultQuotas() : tenant.quotas(),
				request);
		if (quotas.isEmpty()) {
			return new Passage(true, RequestObserver.ALLOWED, tenant.id(), tenant, permit);
		}
		RateLimitDecision decision;
		long start = System.nanoTime();
		try {
			decision = this.limiter.tryAcquire(tenant.id(), quotas);
		}
		catch (RateLimiterUnavailableException ex) {
			this.problems.unavailable(request, response, 1);
			return Passage.refused(RequestObserver.UNAVAILABLE, tenant.id());
		}
		finally {
			this.observer.decision(System.nanoTime() - start);
		}
		this.observer.usage(tenant.id(), fullest(decision));
		boolean shadowRefusal = !decision.shadowViolated().isEmpty();
		if (shadowRefusal) {
			this.refusals.refused(tenant.id(), "by shadow quota " + decision.shadowViolated().get(0).quota().policyName());
		}
		if (!decision.allowed() && !settings.dryRun()) {
			Passage held = pendingHold(tenant, quotas, permit, decision, request);
			if (held != null) {
				// its headers are written by the decision that admits or refuses it
				return held;
			}
			refuse(tenant.id(), decision, request, response, "with 429");
			return Passage.refused(decision.fallback() ? RequestObserver.FALLBACK : RequestObserver.DENIED,
					tenant.id());
		}
		this.headers.write(response, decision);
		String outcome = (!decision.allowed() || shadowRefusal) ? RequestObserver.DRY_RUN_DENIED
				: decision.fallback() ? RequestObserver.FALLBACK : RequestObserver.ALLOWED;
		if (!decision.allowed()) {
			this.refusals.refused(tenant.id(), "with 429 (dry run: let through)");
		}
		RequestCharges charges = (this.charger != null) ? RequestCharges.of(tenant.id(), quotas) : null;
		return new Passage(true, outcome, tenant.id(), tenant, permit, charges);
	}

	/**
	 * A refused request to hold for its quotas' delay, when they have one: it goes on through the
	 * application's filters with the tenant in scope, and is held where the chain ends
	 * ({@link HeldRequestsFilter}); {@code null} when it is refused now.
	 */
	private @Nullable Passage pendingHold(Tenant tenant, List<Quota> quotas, ConcurrencyLimits.@Nullable Permit permit,
			RateLimitDecision refused, HttpServletRequest request) {
		HeldRequests requests = this.held;
		Duration delay = (requests != null) ? HeldRequests.delayFor(refused) : Duration.ZERO;
		if (delay.isZero()) {
			return null;
		}
		RequestCharges charges = (this.charger != null) ? RequestCharges.of(tenant.id(), quotas) : null;
		request.setAttribute(HeldRequests.PENDING_ATTRIBUTE, new HeldRequests.Pending(tenant.id(),
				refused.retryAfter(), delay, new HeldRetry(this.heldParts, tenant, quotas, charges), refused));
		return new Passage(true, Passage.HELD, tenant.id(), tenant, permit, charges);
	}

	/**
	 * Hold a request where the filter chain ends, decided again when its quotas should have
	 * room; when no place is free, answer the 429 it would have had.
	 */
	void hold(HeldRequests.Pending pending, HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		HeldRequests requests = this.held;
		if (requests != null && requests.hold(request, response, pending.tenantId(), pending.firstWait(),
				pending.delay(), pending.attempt())) {
			return;
		}
		RateLimitDecision refused = pending.refused();
		this.observer.outcome(refused.fallback() ? RequestObserver.FALLBACK : RequestObserver.DENIED,
				pending.tenantId());
		refuse(pending.tenantId(), refused, request, response, "with 429 (no place to hold it)");
	}

	/**
	 * After the chain of a request to hold: when it never reached {@link HeldRequestsFilter}, a
	 * filter answered it (an authorization filter's 403, or a filter that serves requests itself),
	 * and the refusal is reported. Served with a success, it went past its quota: that is logged,
	 * since only a filter after {@code HeldRequestsFilter} or one that serves requests can do it.
	 */
	void heldChainDone(Passage held, HttpServletRequest request, HttpServletResponse response) {
		if (request.getAttribute(HeldRequests.PENDING_ATTRIBUTE) == null) {
			return;
		}
		request.removeAttribute(HeldRequests.PENDING_ATTRIBUTE);
		this.observer.outcome(RequestObserver.DENIED, held.tenantId());
		if (response.getStatus() < 400) {
			this.refusals.unheld(held.tenantId(), response.getStatus());
		}
	}

	private void refuse(String tenantId, RateLimitDecision decision, HttpServletRequest request,
			HttpServletResponse response, String how) throws IOException {
		this.headers.write(response, decision);
		this.refusals.refused(tenantId, how);
		this.problems.quotaExceeded(request, response, tenantId, decision);
	}

	/** Used over capacity of the fullest enforced quota (a loop: this runs on every request). */
	private static double fullest(RateLimitDecision decision) {
		double fullest = 0;
		for (QuotaUsage usage : decision.usages()) {
			if (!usage.quota().shadow()) {
				fullest = Math.max(fullest, usage.exceeded() ? 1 : Math.min(1, (double) usage.used() / usage.quota().capacity()));
			}
		}
		return fullest;
	}

}
