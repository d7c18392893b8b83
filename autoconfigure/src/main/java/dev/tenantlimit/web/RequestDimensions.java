package dev.tenantlimit.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.tenantlimit.quota.CounterDimensions;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.security.JwtTenantResolver;
import jakarta.servlet.http.HttpServletRequest;

/**
 * A request's values of the dimensions a quota is counted {@code per}: the quota as it counts
 * this request. The client address is the one anonymous callers are counted by (Boot's
 * forwarded-header handling decides it, never a raw {@code X-Forwarded-For}); a missing header or
 * claim is the empty value, one counter for all requests without it.
 */
final class RequestDimensions {

	private RequestDimensions() {
	}

	/** {@code quotas} with every quota that has {@code per} resolved for {@code request}. */
	static List<Quota> resolve(List<Quota> quotas, HttpServletRequest request) {
		List<Quota> resolved = null;
		for (int i = 0; i < quotas.size(); i++) {
			Quota quota = quotas.get(i);
			if (!quota.per().isEmpty()) {
				if (resolved == null) {
					resolved = new ArrayList<>(quotas);
				}
				resolved.set(i, quota.forValues(CounterDimensions.key(values(quota.per(), request))));
			}
		}
		return (resolved != null) ? resolved : quotas;
	}

	private static List<String> values(List<String> dimensions, HttpServletRequest request) {
		List<String> values = new ArrayList<>(dimensions.size());
		for (String dimension : dimensions) {
			values.add(value(dimension, request));
		}
		return values;
	}

	private static String value(String dimension, HttpServletRequest request) {
		if (dimension.equals(CounterDimensions.CLIENT_IP)) {
			return ClientAddresses.counted(request.getRemoteAddr());
		}
		if (dimension.equals(CounterDimensions.PATH)) {
			return RequestPaths.of(request);
		}
		if (dimension.startsWith(CounterDimensions.HEADER_PREFIX)) {
			String header = request.getHeader(dimension.substring(CounterDimensions.HEADER_PREFIX.length()));
			return (header != null) ? header : "";
		}
		String claim = dimension.substring(CounterDimensions.CLAIM_PREFIX.length());
		Object claims = request.getAttribute(JwtTenantResolver.CLAIMS_ATTRIBUTE);
		Object value = (claims instanceof Map<?, ?> map) ? map.get(claim) : null;
		return (value != null) ? value.toString() : "";
	}

}
