package dev.tenantlimit.limiter;

import java.time.Duration;
import java.util.List;

import dev.tenantlimit.quota.Quota;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Decides a few requests of a reserved tenant before the application takes traffic: the
 * connection is open, the script is loaded, Redis's clock is known and the classes of the
 * decision path are loaded, so the first burst a new instance gets is decided by Redis instead of
 * timing out on a cold JVM. It stops at the first decision that was not the shared limiter's.
 */
public final class LimiterWarmup {

	/** Not a valid tenant id, so no tenant's counters are touched. */
	static final String TENANT = "~warmup";

	private static final Log logger = LogFactory.getLog(LimiterWarmup.class);

	private static final List<Quota> QUOTAS = List.of(Quota.of(1000, Duration.ofSeconds(1)));

	private final RateLimiter limiter;

	private final int decisions;

	private final Duration budget;

	/**
	 * @param limiter the limiter the requests go through, with all its layers
	 * @param decisions how many decisions to make at most
	 * @param budget longest time to spend
	 */
	public LimiterWarmup(RateLimiter limiter, int decisions, Duration budget) {
		this.limiter = limiter;
		this.decisions = decisions;
		this.budget = budget;
	}

	/** @return whether the shared limiter made every warm-up decision */
	public boolean run() {
		long start = System.nanoTime();
		int made = 0;
		try {
			while (made < this.decisions && System.nanoTime() - start < this.budget.toNanos()) {
				if (this.limiter.tryAcquire(TENANT, QUOTAS).fallback()) {
					break;
				}
				made++;
			}
		}
		catch (RateLimiterUnavailableException ex) {
			// fail mode closed: the first request will say so
		}
		long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
		if (made == 0) {
			logger.warn("Rate limiter warm-up: the shared limiter did not decide (" + millis + " ms); starting with the fail mode");
			return false;
		}
		logger.info("Rate limiter warmed up: " + made + " decisions through the shared limiter in " + millis + " ms");
		return true;
	}

}
