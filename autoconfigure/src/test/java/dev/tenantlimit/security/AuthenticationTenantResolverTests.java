package dev.tenantlimit.security;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;

/** How the application's own authentication names a tenant, without code. */
class AuthenticationTenantResolverTests {

	private final MockHttpServletRequest request = new MockHttpServletRequest();

	@AfterEach
	void clear() {
		SecurityContextHolder.clearContext();
	}

	@Test
	void aBasicUserIsNoTenantUnlessConfigured() {
		signIn(UsernamePasswordAuthenticationToken.authenticated("alice", "x", AuthorityUtils.createAuthorityList("ROLE_USER")));
		assertThat(new AuthenticationTenantResolver("tenant_id").resolveTenantId(this.request)).isNull();
	}

	@Test
	void anAuthorityWithThePrefixNamesTheTenant() {
		signIn(UsernamePasswordAuthenticationToken.authenticated("alice", "x",
				AuthorityUtils.createAuthorityList("ROLE_USER", "TENANT_acme")));
		assertThat(new AuthenticationTenantResolver("tenant_id", "TENANT_", false).resolveTenantId(this.request))
			.isEqualTo("acme");
	}

	@Test
	void thePrincipalsNameCanBeTheTenant() {
		signIn(UsernamePasswordAuthenticationToken.authenticated("acme", "x", List.of()));
		assertThat(new AuthenticationTenantResolver("tenant_id", null, true).resolveTenantId(this.request))
			.isEqualTo("acme");
	}

	@Test
	void aClaimWinsOverAnAuthorityAndTheName() {
		Jwt jwt = Jwt.withTokenValue("t").header("alg", "none").claim("tenant_id", "from-claim").subject("bob").build();
		signIn(new JwtAuthenticationToken(jwt, AuthorityUtils.createAuthorityList("TENANT_from-authority")));
		assertThat(new AuthenticationTenantResolver("tenant_id", "TENANT_", true).resolveTenantId(this.request))
			.isEqualTo("from-claim");
	}

	@Test
	void anAnonymousUserIsNoTenant() {
		signIn(new AnonymousAuthenticationToken("key", "anonymousUser", AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")));
		assertThat(new AuthenticationTenantResolver("tenant_id", "TENANT_", true).resolveTenantId(this.request)).isNull();
	}

	private static void signIn(Authentication authentication) {
		SecurityContextHolder.getContext().setAuthentication(authentication);
	}

}
