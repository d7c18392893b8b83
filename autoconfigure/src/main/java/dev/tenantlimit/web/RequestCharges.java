package dev.tenantlimit.web;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.tenantlimit.limiter.Charger;
import dev.tenantlimit.quota.Quota;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * What the application charges for one request after its work, against the request's charged
 * quotas: through {@link TenantContext#charge} or the {@value #HEADER} response header, which
 * the filter takes out of the response. Sent once, when the request is done.
 */
final class RequestCharges {

	/** Response header a handler sets to charge units (a whole number); never sent to the client. */
	static final String HEADER = "TenantLimit-Charge";

	private static final Log logger = LogFactory.getLog(RequestCharges.class);

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

	/** The request's charged quotas, or {@code null} when none applies. */
	static @Nullable RequestCharges of(String counterId, List<Quota> quotas) {
		List<Quota> charged = quotas.stream().filter(Quota::charged).toList();
		return charged.isEmpty() ? null : new RequestCharges(counterId, charged);
	}

	void add(long more) {
		if (more < 0) {
			throw new IllegalArgumentException("A charge must not be negative, was " + more);
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
		try {
			long parsed = Long.parseLong((value != null) ? value.trim() : "");
			if (parsed >= 0) {
				add(parsed);
				return true;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		logger.warn("Ignored a " + HEADER + " header that is not a whole number of units: '" + value + "'");
		return true;
	}

}
