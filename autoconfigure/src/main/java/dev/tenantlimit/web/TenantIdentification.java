package dev.tenantlimit.web;

import java.util.List;

import dev.tenantlimit.security.JwtTenantResolver;
import dev.tenantlimit.security.TenantResolver;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Who a request is for: the first answer of the resolvers, in order, and, when there is none, a
 * 401 detail that says what was missing.
 */
final class TenantIdentification {

	private static final Log logger = LogFactory.getLog(TenantIdentification.class);

	private final List<TenantResolver> resolvers;

	/** Whether a resolver verifies bearer tokens itself (a JWT key is configured). */
	private final boolean verifiesBearerTokens;

	TenantIdentification(List<TenantResolver> resolvers) {
		this.resolvers = List.copyOf(resolvers);
		this.verifiesBearerTokens = resolvers.stream().anyMatch(JwtTenantResolver.class::isInstance);
		if (!this.verifiesBearerTokens) {
			logger.warn("No JWT key configured (tenantlimit.jwt.secret or tenantlimit.jwt.public-key): TenantLimit "
					+ "verifies no bearer token; tenants come from API keys or the application's own authentication");
		}
	}

	/**
	 * The request's tenant id, or {@code null} when it carries no credentials a resolver knows.
	 * @throws dev.tenantlimit.security.InvalidCredentialsException for credentials a resolver rejects
	 */
	@Nullable String tenantId(HttpServletRequest request) {
		for (TenantResolver resolver : this.resolvers) {
			String tenantId = resolver.resolveTenantId(request);
			if (tenantId != null) {
				return tenantId;
			}
		}
		return null;
	}

	/** The 401's detail: precise when a bearer token came that nothing here can verify. */
	String missingCredentials(HttpServletRequest request) {
		String authorization = request.getHeader("Authorization");
		if (!this.verifiesBearerTokens && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return "A bearer token was sent, but no JWT key is configured to verify it "
					+ "(tenantlimit.jwt.secret or tenantlimit.jwt.public-key)";
		}
		if (TenantSecurityContext.PRESENT && TenantSecurityContext.isSignedIn()) {
			return "You are signed in, but your authentication names no tenant: map your users to tenants with "
					+ "tenantlimit.authentication.authority-prefix or .principal-name (or a TenantResolver bean), or "
					+ "send a tenant's bearer token or API key";
		}
		return "Credentials are required: a bearer token or an API key";
	}

}
