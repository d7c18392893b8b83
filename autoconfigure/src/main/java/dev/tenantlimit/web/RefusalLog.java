package dev.tenantlimit.web;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/** One INFO line per refused request of a tenant, at most ten a second whatever the flood. */
final class RefusalLog {

	private static final Log logger = LogFactory.getLog(TenantRateLimitFilter.class);

	private final LogThrottle throttle = new LogThrottle(10, System::nanoTime);

	private final LogThrottle warnings = new LogThrottle(1, System::nanoTime);

	void refused(String tenantId, String how) {
		long heldBack = this.throttle.tryAcquire();
		if (heldBack >= 0 && logger.isInfoEnabled()) {
			logger.info("Refused a request of tenant '" + tenantId + "' " + how
					+ ((heldBack > 0) ? " (" + heldBack + " such lines held back)" : ""));
		}
	}

	/**
	 * A request its quota refused and shaping was to hold was served all the same: a filter
	 * ordered after TenantLimit's {@link HeldRequestsFilter}, or one that serves requests itself.
	 */
	void unheld(String tenantId, int status) {
		long heldBack = this.warnings.tryAcquire();
		if (heldBack >= 0) {
			logger.warn("A request of tenant '" + tenantId + "' that its quota refused (to be held for its delay) "
					+ "was answered " + status + " by a filter before it reached HeldRequestsFilter: a filter that "
					+ "serves requests itself, or one ordered after it, lets such requests past their quota; "
					+ "give that filter a lower order or set no delay on these quotas"
					+ ((heldBack > 0) ? " (" + heldBack + " such lines held back)" : ""));
		}
	}

}
