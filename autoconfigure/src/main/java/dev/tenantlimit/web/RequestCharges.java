package dev.tenantlimit.web;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.tenantlimit.limiter.Charger;
import dev.tenantlimit.quota.Quota;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * What the application charges for one request after its work, against the request's charged
 * quotas: through {@link TenantContext#charge} or the {@value #HEADER} response header, which
 * the filter takes out of the response. Sent once, when the request is done.
 */
final class RequestCharges {

	/** Response header a handler sets to charge units (a whole number); never sent to the client. */
	static final String HEADER = "TenantLimit-Charge";

	private static final Log logger = LogFactory.getLog(RequestCharges.class);

	/** A handler that sends a bad header on every request logs once a second, not on every one. */
	private static final LogThrottle WARNINGS = new LogThrottle(1, System::nanoTime);

	private final String counterId;

	private final List<Quota> quotas;

	private final AtomicLong units = new AtomicLong();

	/**
	 * @param counterId who the request was counted for: the tenant, or an anonymous address
	 * @param quotas the request's charged quotas
	 */
	RequestCharges(String counterId, List<Quota> quotas) {
		this.counterId = counterId;
		this.quotas = List.copyOf(quotas);
	}

	/**
	 * Charges of a request no charged quota applies to: nothing is counted, but the header is
	 * still taken out of the response, so a client never sees it on any route.
	 */
	static final RequestCharges NONE = new RequestCharges("", List.of());

	/** The request's charged quotas, {@link #NONE} when none applies. */
	static RequestCharges of(String counterId, List<Quota> quotas) {
		for (Quota quota : quotas) {
			if (quota.charged()) {
				return new RequestCharges(counterId, quotas.stream().filter(Quota::charged).toList());
			}
		}
		return NONE;
	}

	/** Whether a charged quota applies, so what is charged counts. */
	boolean applies() {
		return !this.quotas.isEmpty();
	}

	void add(long more) {
		if (more < 0) {
			throw new IllegalArgumentException("A charge must not be negative, was " + more);
		}
		if (!applies()) {
			return;
		}
		// capped rather than wrapped: a sum past Long.MAX_VALUE is no smaller charge
		this.units.accumulateAndGet(more, (a, b) -> (a + b < 0) ? Long.MAX_VALUE : a + b);
	}

	long units() {
		return this.units.get();
	}

	/** Hand what was charged to {@code charger}: nothing when nothing was. */
	void send(Charger charger) {
		long total = this.units.getAndSet(0);
		if (total > 0) {
			charger.charge(this.counterId, this.quotas, total);
		}
	}

	/** The response, with {@value #HEADER} taken as a charge instead of being sent. */
	HttpServletResponse takingHeader(HttpServletResponse response) {
		return new HttpServletResponseWrapper(response) {

			@Override
			public void setHeader(String name, String value) {
				if (!take(name, value)) {
					super.setHeader(name, value);
				}
			}

			@Override
			public void addHeader(String name, String value) {
				if (!take(name, value)) {
					super.addHeader(name, value);
				}
			}

			@Override
			public void setIntHeader(String name, int value) {
				if (!take(name, Integer.toString(value))) {
					super.setIntHeader(name, value);
				}
			}

			@Override
			public void addIntHeader(String name, int value) {
				if (!take(name, Integer.toString(value))) {
					super.addIntHeader(name, value);
				}
			}

		};
	}

	private boolean take(String name, String value) {
		if (!HEADER.equalsIgnoreCase(name)) {
			return false;
		}
		String units = (value != null) ? value.trim() : "";
		if (!units.isEmpty() && units.length() <= 1000 && units.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			// digits beyond a long are no smaller charge: capped, as a sum past Long.MAX_VALUE is
			add((units.length() > 18) ? parseCapped(units) : Long.parseLong(units));
			return true;
		}
		long heldBack = WARNINGS.tryAcquire();
		if (heldBack >= 0) {
			logger.warn("Ignored a " + HEADER + " header that is not a whole number of units: '"
					+ ((units.length() > 40) ? units.substring(0, 40) + "…" : units) + "'"
					+ ((heldBack > 0) ? " (" + heldBack + " such lines held back)" : ""));
		}
		return true;
	}

	private static long parseCapped(String digits) {
		try {
			return Long.parseLong(digits);
		}
		catch (NumberFormatException ex) {
			return Long.MAX_VALUE;
		}
	}

}
