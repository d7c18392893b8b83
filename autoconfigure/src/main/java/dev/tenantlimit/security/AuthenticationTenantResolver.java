package dev.tenantlimit.security;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.ClaimAccessor;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.util.ClassUtils;

/**
 * Takes the tenant from the {@link Authentication} the application's own Spring Security chain
 * made, so a token it already validated is not validated twice: a {@link TenantAuthenticationToken}
 * (TenantLimit's configurer in that chain verified the tenant's credentials), the tenant claim of a JWT
 * principal (e.g. an OAuth2 resource server's) or the attribute of that name of an OAuth2
 * principal; then, when configured, an authority with a prefix ({@code TENANT_acme}) or the
 * principal's name, which covers HTTP Basic, form login and opaque tokens without code. Other
 * authentications are left to the next resolver.
 */
public class AuthenticationTenantResolver implements TenantResolver {

	private static final boolean OAUTH2_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.oauth2.core.ClaimAccessor", AuthenticationTenantResolver.class.getClassLoader());

	private final String tenantClaim;

	private final @Nullable String authorityPrefix;

	private final boolean principalName;

	public AuthenticationTenantResolver(String tenantClaim) {
		this(tenantClaim, null, false);
	}

	/**
	 * @param tenantClaim the claim or attribute of an OAuth2 principal that names the tenant
	 * @param authorityPrefix prefix of the granted authority that names the tenant, or {@code null}
	 * @param principalName whether the principal's name is the tenant id, when nothing else names it
	 */
	public AuthenticationTenantResolver(String tenantClaim, @Nullable String authorityPrefix, boolean principalName) {
		this.tenantClaim = tenantClaim;
		this.authorityPrefix = (authorityPrefix == null || authorityPrefix.isEmpty()) ? null : authorityPrefix;
		this.principalName = principalName;
	}

	@Override
	public @Nullable String resolveTenantId(HttpServletRequest request) {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || !authentication.isAuthenticated()
				|| authentication instanceof AnonymousAuthenticationToken) {
			return null;
		}
		if (authentication instanceof TenantAuthenticationToken tenant) {
			// signed in by TenantLimit's filter in the application's chain: verified already
			return tenant.getName();
		}
		String tenantId = null;
		if (OAUTH2_PRESENT) {
			tenantId = OAuth2Principals.tenantId(authentication.getPrincipal(), this.tenantClaim);
			if (tenantId != null) {
				request.setAttribute(JwtTenantResolver.CLAIMS_ATTRIBUTE, OAuth2Principals.claims(authentication.getPrincipal()));
			}
		}
		if (tenantId == null && this.authorityPrefix != null) {
			tenantId = fromAuthorities(authentication, this.authorityPrefix);
		}
		if (tenantId == null && this.principalName && !authentication.getName().isBlank()) {
			tenantId = authentication.getName();
		}
		return tenantId;
	}

	private static @Nullable String fromAuthorities(Authentication authentication, String prefix) {
		for (GrantedAuthority authority : authentication.getAuthorities()) {
			String name = authority.getAuthority();
			if (name != null && name.startsWith(prefix) && name.length() > prefix.length()) {
				return name.substring(prefix.length());
			}
		}
		return null;
	}

	/** Kept apart so this class loads without spring-security-oauth2-core. */
	private static final class OAuth2Principals {

		static @Nullable String tenantId(@Nullable Object principal, String claim) {
			Object value = claims(principal).get(claim);
			return (value instanceof String tenantId && !tenantId.isBlank()) ? tenantId : null;
		}

		static Map<String, Object> claims(@Nullable Object principal) {
			if (principal instanceof ClaimAccessor claims) {
				return claims.getClaims();
			}
			if (principal instanceof OAuth2AuthenticatedPrincipal oauth2) {
				return oauth2.getAttributes();
			}
			return Map.of();
		}

	}

}
