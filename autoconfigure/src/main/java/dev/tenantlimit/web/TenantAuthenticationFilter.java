package dev.tenantlimit.web;

import java.io.IOException;
import java.util.function.Predicate;

import dev.tenantlimit.security.InvalidCredentialsException;
import dev.tenantlimit.security.TenantAuthenticationToken;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantCache;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Verifies a tenant's JWT or API key inside an application's own Spring Security chain (added by
 * {@link TenantLimitConfigurer}), so that chain's URL rules ({@code authenticated()},
 * {@code hasRole("TENANT")}) see the tenant as a {@link TenantAuthenticationToken}. Credentials it
 * rejects get TenantLimit's 401 at once; a request without tenant credentials, or whose user the
 * chain already signed in, goes on untouched. Limiting stays with {@link TenantRateLimitFilter},
 * which finds the tenant in the context and does not verify it again.
 */
final class TenantAuthenticationFilter extends OncePerRequestFilter {

	private final TenantIdentification identification;

	private final TenantCache tenants;

	private final ProblemResponses problems;

	private final Predicate<HttpServletRequest> excluded;

	private SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

	TenantAuthenticationFilter(TenantIdentification identification, TenantCache tenants, ProblemResponses problems,
			Predicate<HttpServletRequest> excluded) {
		this.identification = identification;
		this.tenants = tenants;
		this.problems = problems;
		this.excluded = excluded;
	}

	void setSecurityContextHolderStrategy(SecurityContextHolderStrategy contexts) {
		this.contexts = contexts;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return this.excluded.test(request);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (TenantSecurityContext.isSignedIn()) {
			chain.doFilter(request, response);
			return;
		}
		String tenantId;
		try {
			tenantId = this.identification.tenantId(request);
		}
		catch (InvalidCredentialsException ex) {
			this.problems.unauthorized(request, response, ex.getChallenge(), ex.getMessage());
			return;
		}
		if (tenantId != null) {
			SecurityContext context = this.contexts.createEmptyContext();
			context.setAuthentication(new TenantAuthenticationToken(tenant(tenantId)));
			// the chain's SecurityContextHolderFilter clears it when the request is done; nothing is saved
			this.contexts.setContext(context);
		}
		chain.doFilter(request, response);
	}

	/** Stored or not (its status and the unknown-tenant policy are the limiting filter's to apply). */
	private Tenant tenant(String tenantId) {
		try {
			return this.tenants.tenant(tenantId).orElseGet(() -> Tenant.notStored(tenantId));
		}
		catch (RuntimeException ex) {
			// the store is down on a cache miss: the limiting filter answers 503 for this request
			return Tenant.notStored(tenantId);
		}
	}

}
