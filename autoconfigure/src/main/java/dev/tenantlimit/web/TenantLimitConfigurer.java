package dev.tenantlimit.web;

import org.springframework.context.ApplicationContext;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * Adds TenantLimit's tenant authentication to an application's own {@code SecurityFilterChain}, as
 * {@code oauth2ResourceServer()} adds bearer tokens:
 *
 * <pre class="code">
 * http.authorizeHttpRequests((requests) -&gt; requests.requestMatchers("/api/**").hasRole("TENANT")
 *         .anyRequest().authenticated())
 *     .httpBasic(Customizer.withDefaults())
 *     .with(TenantLimitConfigurer.tenantLimit(), Customizer.withDefaults());
 * </pre>
 *
 * A tenant's JWT or API key then signs the tenant in before the chain's URL rules (principal: the
 * tenant id, authority {@code ROLE_TENANT}); rejected credentials get TenantLimit's 401. Without it
 * the chain must {@code permitAll()} the paths tenants call, since TenantLimit's filter verifies
 * their credentials only after the chain.
 */
public final class TenantLimitConfigurer extends AbstractHttpConfigurer<TenantLimitConfigurer, HttpSecurity> {

	/** The configurer, for {@code http.with(tenantLimit(), Customizer.withDefaults())}. */
	public static TenantLimitConfigurer tenantLimit() {
		return new TenantLimitConfigurer();
	}

	@Override
	public void configure(HttpSecurity http) {
		ApplicationContext context = http.getSharedObject(ApplicationContext.class);
		TenantRateLimitFilter limiting = context.getBeanProvider(TenantRateLimitFilter.class).getIfAvailable();
		if (limiting == null) {
			// tenantlimit.enabled=false, or no Redis: nothing to authenticate tenants for
			return;
		}
		TenantAuthenticationFilter filter = limiting.authenticationFilter();
		SecurityContextHolderStrategy contexts = context.getBeanProvider(SecurityContextHolderStrategy.class)
			.getIfAvailable();
		if (contexts != null) {
			filter.setSecurityContextHolderStrategy(contexts);
		}
		http.addFilterBefore(postProcess(filter), AnonymousAuthenticationFilter.class);
	}

}
