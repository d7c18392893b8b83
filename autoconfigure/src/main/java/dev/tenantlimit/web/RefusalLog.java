package dev.tenantlimit.web;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/** One INFO line per refused request of a tenant, at most ten a second whatever the flood. */
final class RefusalLog {

	private static final Log logger = LogFactory.getLog(TenantRateLimitFilter.class);

	private final LogThrottle throttle = new LogThrottle(10, System::nanoTime);

	void refused(String tenantId, String how) {
		long heldBack = this.throttle.tryAcquire();
		if (heldBack >= 0 && logger.isInfoEnabled()) {
			logger.info("Refused a request of tenant '" + tenantId + "' " + how
					+ ((heldBack > 0) ? " (" + heldBack + " such lines held back)" : ""));
		}
	}

}
