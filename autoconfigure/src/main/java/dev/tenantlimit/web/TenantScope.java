package dev.tenantlimit.web;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.tenantlimit.limiter.Charger;
import dev.tenantlimit.tenant.Tenant;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Serves an admitted request with its tenant in scope: {@link TenantContext}, the MDC, a request
 * attribute and Spring Security's context while the application runs, and counted in flight (its
 * concurrency permit held) until it is done, asynchronous requests included.
 */
final class TenantScope {

	private final InFlight readsInFlight = new InFlight();

	private final InFlight writesInFlight = new InFlight();

	InFlight readsInFlight() {
		return this.readsInFlight;
	}

	InFlight writesInFlight() {
		return this.writesInFlight;
	}

	/** @param charger where the request's charges go once it is done */
	void serve(Passage passage, HttpServletRequest request, HttpServletResponse response, FilterChain chain,
			@Nullable Charger charger) throws IOException, ServletException {
		// with a charger, the charge header never reaches a client, whether a charged quota applies or not
		RequestCharges charges = (charger == null) ? null
				: (passage.charges() != null) ? passage.charges() : RequestCharges.NONE;
		Tenant tenant = passage.tenant();
		if (tenant == null) {
			chain.doFilter(request, (charges != null) ? charges.takingHeader(response) : response);
			return;
		}
		InFlight inFlight = ConcurrencyLimits.isRead(request.getMethod()) ? this.readsInFlight : this.writesInFlight;
		inFlight.enter();
		ConcurrencyLimits.Permit permit = passage.permit();
		Runnable done = () -> {
			inFlight.leave();
			if (permit != null) {
				permit.close();
			}
			if (charges != null) {
				charges.send(charger);
			}
		};
		try {
			inScope(tenant, charges, request, response, chain);
		}
		finally {
			whenDone(request, done);
		}
	}

	/**
	 * Serve the async dispatch of a held request that was admitted: its tenant in scope again (a
	 * new thread), counted in flight and its permit held since the request dispatch, until done.
	 */
	void resume(Passage admitted, HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		Tenant tenant = admitted.tenant();
		if (tenant == null) {
			chain.doFilter(request, response);
			return;
		}
		inScope(tenant, admitted.charges(), request, response, chain);
	}

	private static void inScope(Tenant tenant, @Nullable RequestCharges charges, HttpServletRequest request,
			HttpServletResponse response, FilterChain chain) throws IOException, ServletException {
		HttpServletResponse served = (charges != null) ? charges.takingHeader(response) : response;
		request.setAttribute(TenantContext.REQUEST_ATTRIBUTE, tenant);
		TenantContext.set(tenant, charges);
		MDC.put(TenantContext.MDC_KEY, tenant.id());
		Runnable signOut = TenantSecurityContext.PRESENT ? TenantSecurityContext.signIn(tenant) : () -> {
		};
		try {
			chain.doFilter(request, served);
		}
		finally {
			signOut.run();
			MDC.remove(TenantContext.MDC_KEY);
			TenantContext.clear();
		}
	}

	/** Run {@code done} now, or once when an asynchronous request completes, fails or times out. */
	private static void whenDone(HttpServletRequest request, Runnable done) {
		if (!request.isAsyncStarted()) {
			done.run();
			return;
		}
		AtomicBoolean ran = new AtomicBoolean();
		Runnable once = () -> {
			if (ran.compareAndSet(false, true)) {
				done.run();
			}
		};
		request.getAsyncContext().addListener(new AsyncListener() {
			@Override
			public void onComplete(AsyncEvent event) {
				once.run();
			}

			@Override
			public void onTimeout(AsyncEvent event) {
				once.run();
			}

			@Override
			public void onError(AsyncEvent event) {
				once.run();
			}

			@Override
			public void onStartAsync(AsyncEvent event) {
				event.getAsyncContext().addListener(this);
			}
		});
	}

}
