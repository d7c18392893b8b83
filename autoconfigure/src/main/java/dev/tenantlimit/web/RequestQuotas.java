package dev.tenantlimit.web;

import java.util.ArrayList;
import java.util.List;

import dev.tenantlimit.annotation.HandlerQuotas;
import dev.tenantlimit.quota.Quota;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * The quotas one request counts against, decided together in one call: those of the tenant (or
 * of anonymous callers) its method and path match, each counted {@code per} client resolved for
 * this request, and those its handler declares with {@code @RateLimited}.
 */
final class RequestQuotas {

	private volatile @Nullable HandlerQuotas handlerQuotas;

	void handlerQuotas(@Nullable HandlerQuotas declared) {
		this.handlerQuotas = declared;
	}

	List<Quota> of(List<Quota> configured, HttpServletRequest request) {
		List<Quota> matching = RequestDimensions.resolve(matching(configured, request), request);
		HandlerQuotas declared = this.handlerQuotas;
		List<Quota> handler = (declared == null || declared.isEmpty()) ? List.of() : declared.forRequest(request);
		if (handler.isEmpty()) {
			return matching;
		}
		List<Quota> all = new ArrayList<>(matching.size() + handler.size());
		all.addAll(matching);
		all.addAll(handler);
		return all;
	}

	/** A loop, not a stream: this runs on every request. */
	private static List<Quota> matching(List<Quota> quotas, HttpServletRequest request) {
		if (quotas.isEmpty()) {
			return quotas;
		}
		String method = request.getMethod();
		String path = RequestPaths.of(request);
		List<Quota> matching = new ArrayList<>(quotas.size());
		for (Quota quota : quotas) {
			if (quota.matches(method, path)) {
				matching.add(quota);
			}
		}
		return matching;
	}

}
