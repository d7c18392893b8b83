package dev.tenantlimit.security;

import java.util.List;

import dev.tenantlimit.tenant.Tenant;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A tenant whose JWT or API key TenantLimit verified, as the application's Spring Security sees it
 * while the request is served (the {@code SecurityContext} held no one else): the principal and
 * the name are the tenant id, the details the {@link Tenant}, the one authority {@code ROLE_TENANT},
 * so {@code @PreAuthorize("hasRole('TENANT')")} and {@code authentication.name} work in controllers
 * and method security.
 */
public class TenantAuthenticationToken extends AbstractAuthenticationToken {

	private final Tenant tenant;

	public TenantAuthenticationToken(Tenant tenant) {
		super(List.of(new SimpleGrantedAuthority("ROLE_TENANT")));
		this.tenant = tenant;
		setDetails(tenant);
		setAuthenticated(true);
	}

	public Tenant tenant() {
		return this.tenant;
	}

	@Override
	public Object getCredentials() {
		return "";
	}

	@Override
	public Object getPrincipal() {
		return this.tenant.id();
	}

}
