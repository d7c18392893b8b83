package dev.tenantlimit.web;

import dev.tenantlimit.security.TenantAuthenticationToken;
import dev.tenantlimit.tenant.Tenant;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.util.ClassUtils;

/**
 * What the filter does with Spring Security's context, in a class of its own so the filter loads
 * without Spring Security.
 */
final class TenantSecurityContext {

	static final boolean PRESENT = ClassUtils.isPresent(
			"org.springframework.security.core.context.SecurityContextHolder", TenantSecurityContext.class.getClassLoader());

	private TenantSecurityContext() {
	}

	/** Whether someone other than an anonymous user is signed in. */
	static boolean isSignedIn() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		return authentication != null && authentication.isAuthenticated()
				&& !(authentication instanceof AnonymousAuthenticationToken);
	}

	/**
	 * Sign the tenant in for the request when no one else is.
	 * @return what puts the context back as it was
	 */
	static Runnable signIn(Tenant tenant) {
		if (isSignedIn()) {
			return () -> {
			};
		}
		SecurityContext previous = SecurityContextHolder.getContext();
		SecurityContext context = SecurityContextHolder.createEmptyContext();
		context.setAuthentication(new TenantAuthenticationToken(tenant));
		SecurityContextHolder.setContext(context);
		return () -> SecurityContextHolder.setContext(previous);
	}

}
