package dev.tenantlimit.web;

import dev.tenantlimit.tenant.Tenant;
import org.jspecify.annotations.Nullable;

/**
 * What the filter decided for one request.
 *
 * @param admitted whether the request goes on to the application
 * @param outcome one of {@link RequestObserver}'s outcomes
 * @param tenantId the tenant, when known
 * @param tenant the tenant to put in context, or {@code null} for an anonymous request
 * @param permit the concurrency permit to give back when the request is done
 * @param charges what the application may charge for the request, when a charged quota applies
 */
record Passage(boolean admitted, String outcome, @Nullable String tenantId, @Nullable Tenant tenant,
		ConcurrencyLimits.@Nullable Permit permit, @Nullable RequestCharges charges) {

	Passage(boolean admitted, String outcome, @Nullable String tenantId, @Nullable Tenant tenant,
			ConcurrencyLimits.@Nullable Permit permit) {
		this(admitted, outcome, tenantId, tenant, permit, null);
	}

	/**
	 * Outcome of a request to hold for a quota's delay: it goes on through the application's
	 * filters and is held where the chain ends ({@link HeldRequestsFilter}), decided again later
	 * and reported then.
	 */
	static final String HELD = "held";

	static Passage refused(String outcome, @Nullable String tenantId) {
		return new Passage(false, outcome, tenantId, null, null);
	}

	/** Whether the request is to wait for its quotas (it is neither served nor answered yet). */
	boolean held() {
		return HELD.equals(this.outcome);
	}

}
