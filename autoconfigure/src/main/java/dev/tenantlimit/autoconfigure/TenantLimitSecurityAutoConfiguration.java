package dev.tenantlimit.autoconfigure;

import dev.tenantlimit.web.TenantRateLimitFilter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.security.autoconfigure.web.servlet.ConditionalOnDefaultWebSecurity;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.util.ClassUtils;

/**
 * Security for an application that defines no {@link SecurityFilterChain} of its own, instead of
 * Spring Boot's default chain (which locks every endpoint behind a generated password): the
 * application's endpoints are open to Spring Security and TenantLimit's filter asks them for tenant
 * credentials (a JWT or an API key, else 401 problem+json); the health endpoint is open; other
 * actuator endpoints need the admin role over HTTP Basic; the admin API keeps its own chain.
 * Stateless: no session, and no CSRF token, since the credentials are headers, not cookies. An
 * application with a chain of its own keeps it and gets TenantLimit's filter all the same.
 */
@AutoConfiguration(after = TenantLimitWebAutoConfiguration.class,
		// an OAuth2 resource server's default chain, when one is configured, wins over this one
		afterName = "org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration",
		beforeName = { "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ SecurityFilterChain.class, HttpSecurity.class })
@ConditionalOnBean(TenantRateLimitFilter.class)
@ConditionalOnBooleanProperty(name = "tenantlimit.enabled", matchIfMissing = true)
@ConditionalOnDefaultWebSecurity
public final class TenantLimitSecurityAutoConfiguration {

	private static final Log logger = LogFactory.getLog(TenantLimitSecurityAutoConfiguration.class);

	private static final boolean ACTUATOR_PRESENT = ClassUtils.isPresent(
			"org.springframework.boot.actuate.endpoint.web.WebEndpointResponse",
			TenantLimitSecurityAutoConfiguration.class.getClassLoader());

	@Bean
	@Order(TenantLimitAdminAutoConfiguration.ADMIN_CHAIN_ORDER + 100)
	SecurityFilterChain tenantLimitSecurityFilterChain(HttpSecurity http, TenantLimitProperties properties) {
		String adminRole = properties.getAdmin().getRole();
		http.authorizeHttpRequests((requests) -> {
			if (ACTUATOR_PRESENT) {
				Actuator.authorize(requests, adminRole);
			}
			// TenantLimit's filter asks every request that is not excluded for tenant credentials
			requests.anyRequest().permitAll();
		})
			.httpBasic(Customizer.withDefaults())
			.csrf((csrf) -> csrf.disable())
			.requestCache((cache) -> cache.disable())
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		return http.build();
	}

	/**
	 * No users, instead of Boot's one with a generated password printed at start-up, when none is
	 * configured: tenants need none, and the admin API wants a user of the application's.
	 */
	@Bean
	@ConditionalOnMissingBean(UserDetailsService.class)
	@Conditional(NoUserConfigured.class)
	InMemoryUserDetailsManager tenantLimitNoUsers() {
		logger.info("No application users (spring.security.user.* or a UserDetailsService of your own): tenants are "
				+ "identified by TenantLimit; set spring.security.user.name, .password and .roles=TENANTLIMIT_ADMIN "
				+ "for the admin API");
		return new InMemoryUserDetailsManager();
	}

	/** The actuator's endpoints: health open, the rest for the admin role. */
	private static final class Actuator {

		static void authorize(AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry requests,
				String adminRole) {
			requests.requestMatchers(EndpointRequest.to("health")).permitAll();
			requests.requestMatchers(EndpointRequest.toAnyEndpoint()).hasRole(adminRole);
		}

	}

	static final class NoUserConfigured extends NoneNestedConditions {

		NoUserConfigured() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty("spring.security.user.name")
		static class Name {

		}

		@ConditionalOnProperty("spring.security.user.password")
		static class Password {

		}

	}

}
