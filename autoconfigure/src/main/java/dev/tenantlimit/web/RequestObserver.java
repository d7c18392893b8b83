package dev.tenantlimit.web;

import org.jspecify.annotations.Nullable;

/**
 * Told what the filter decided and how long it took: the hook for metrics, which stay optional.
 */
public interface RequestObserver {

	/** Does nothing. */
	RequestObserver NONE = new RequestObserver() {
	};

	/**
	 * A request ended in this outcome.
	 * @param outcome one of the {@code OUTCOME_*} names
	 * @param tenantId the tenant, when known
	 */
	default void outcome(String outcome, @Nullable String tenantId) {
	}

	/** The limiter (one Redis round trip, or the fallback) took this long. */
	default void decision(long nanos) {
	}

	/** The filter's own work for one request, the limiter included and the application not, took this long. */
	default void filter(long nanos) {
	}

	/**
	 * After a decision, how full the fullest of the request's enforced quotas was (used over
	 * capacity, 1 when over).
	 * @param tenantId the tenant
	 * @param fraction from 0 to 1
	 */
	default void usage(String tenantId, double fraction) {
	}

	/** Admitted by the limiter. */
	String ALLOWED = "allowed";

	/** Refused with 429 (a quota or a concurrency cap). */
	String DENIED = "denied";

	/** Would have been refused, let through by dry-run mode or a shadow quota. */
	String DRY_RUN_DENIED = "dry-run-denied";

	/** Refused with 401. */
	String UNAUTHENTICATED = "unauthenticated";

	/** Refused with 403: the tenant is suspended. */
	String SUSPENDED = "suspended";

	/** An exempt tenant or role, not limited. */
	String BYPASSED = "bypassed";

	/** Decided by the fallback while the shared limiter was away. */
	String FALLBACK = "fallback";

	/** Refused with 503: nothing could decide. */
	String UNAVAILABLE = "unavailable";

}
