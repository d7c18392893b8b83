package dev.tenantlimit.security;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Finds the tenant a request is made for. The filter asks every resolver bean in order
 * ({@link org.springframework.core.annotation.Order @Order}) and takes the first answer; add a bean
 * to extend the chain, or define a bean of a built-in resolver's type to replace it.
 */
@FunctionalInterface
public interface TenantResolver {

	/**
	 * The id of the request's tenant.
	 * @param request the request
	 * @return the tenant id, or {@code null} when the request carries no credentials this resolver
	 * understands, so the next resolver is asked
	 * @throws InvalidCredentialsException when the request carries credentials this resolver
	 * understands but rejects; the request is answered with 401
	 */
	@Nullable String resolveTenantId(HttpServletRequest request);

}
