package dev.tenantlimit.security;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.ClaimAccessor;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.util.ClassUtils;

/**
 * Takes the tenant from the {@link Authentication} the application's own Spring Security chain
 * made, so a token it already validated is not validated twice: the tenant claim of a JWT
 * principal (e.g. an OAuth2 resource server's) or the attribute of that name of an OAuth2
 * principal. Other authentications are left to the next resolver.
 */
public class AuthenticationTenantResolver implements TenantResolver {

	private static final boolean OAUTH2_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.oauth2.core.ClaimAccessor", AuthenticationTenantResolver.class.getClassLoader());

	private final String tenantClaim;

	public AuthenticationTenantResolver(String tenantClaim) {
		this.tenantClaim = tenantClaim;
	}

	@Override
	public @Nullable String resolveTenantId(HttpServletRequest request) {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || !authentication.isAuthenticated()
				|| authentication instanceof AnonymousAuthenticationToken || !OAUTH2_PRESENT) {
			return null;
		}
		return OAuth2Principals.tenantId(authentication.getPrincipal(), this.tenantClaim);
	}

	/** Kept apart so this class loads without spring-security-oauth2-core. */
	private static final class OAuth2Principals {

		static @Nullable String tenantId(@Nullable Object principal, String claim) {
			Object value = null;
			if (principal instanceof ClaimAccessor claims) {
				value = claims.getClaims().get(claim);
			}
			else if (principal instanceof OAuth2AuthenticatedPrincipal oauth2) {
				value = oauth2.getAttribute(claim);
			}
			return (value instanceof String tenantId && !tenantId.isBlank()) ? tenantId : null;
		}

	}

}
