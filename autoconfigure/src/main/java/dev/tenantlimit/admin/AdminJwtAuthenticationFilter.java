package dev.tenantlimit.admin;

import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import dev.tenantlimit.security.JwtTenantResolver;
import dev.tenantlimit.security.JwtLifetimePolicy;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates admin requests that carry a bearer JWT signed with TenantLimit's keys. The
 * token's roles claim (a list, or a space- or comma-separated string) becomes {@code ROLE_*}
 * authorities, so only a token naming the admin role passes; a tenant's token, which has none,
 * is authenticated and then refused with 403.
 */
public class AdminJwtAuthenticationFilter extends OncePerRequestFilter {

	private final JwtParser parser;

	private final String rolesClaim;

	private final AuthenticationEntryPoint entryPoint;

	private final JwtLifetimePolicy lifetime;

	public AdminJwtAuthenticationFilter(JwtParser parser, JwtLifetimePolicy lifetime, String rolesClaim,
			AuthenticationEntryPoint entryPoint) {
		this.parser = parser;
		this.lifetime = lifetime;
		this.rolesClaim = rolesClaim;
		this.entryPoint = entryPoint;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String token = JwtTenantResolver.bearerToken(request);
		if (token == null) {
			chain.doFilter(request, response);
			return;
		}
		Claims claims;
		try {
			claims = this.parser.parseSignedClaims(token).getPayload();
		}
		catch (JwtException | IllegalArgumentException ex) {
			SecurityContextHolder.clearContext();
			this.entryPoint.commence(request, response, new BadCredentialsException("Invalid bearer token"));
			return;
		}
		String lifetimeProblem = this.lifetime.problem(claims, Instant.now());
		if (lifetimeProblem != null) {
			SecurityContextHolder.clearContext();
			this.entryPoint.commence(request, response, new BadCredentialsException(lifetimeProblem));
			return;
		}
		String name = (claims.getSubject() != null) ? claims.getSubject() : "jwt";
		SecurityContext context = SecurityContextHolder.createEmptyContext();
		context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(name, null, roles(claims)));
		SecurityContextHolder.setContext(context);
		chain.doFilter(request, response);
	}

	private Collection<GrantedAuthority> roles(Claims claims) {
		Object value = claims.get(this.rolesClaim);
		List<String> roles;
		if (value instanceof Collection<?> collection) {
			roles = collection.stream().map(String::valueOf).toList();
		}
		else if (value instanceof String text) {
			roles = Arrays.stream(text.split("[\\s,]+")).filter((role) -> !role.isEmpty()).toList();
		}
		else {
			roles = List.of();
		}
		return roles.stream().<GrantedAuthority>map((role) -> new SimpleGrantedAuthority("ROLE_" + role)).toList();
	}

}
