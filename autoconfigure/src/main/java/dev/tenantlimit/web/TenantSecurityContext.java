package dev.tenantlimit.web;

import dev.tenantlimit.security.TenantAuthenticationToken;
import dev.tenantlimit.tenant.Tenant;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.firewall.RequestRejectedException;
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

	private static final boolean FIREWALL_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.web.firewall.RequestRejectedException",
			TenantSecurityContext.class.getClassLoader());

	/** Whether Spring Security's firewall refused something of the request (a header's value). */
	static boolean isRejectedRequest(RuntimeException ex) {
		return FIREWALL_PRESENT && Firewall.rejected(ex);
	}

	/** Kept apart so this class loads without spring-security-web. */
	private static final class Firewall {

		static boolean rejected(RuntimeException ex) {
			return ex instanceof RequestRejectedException;
		}

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
