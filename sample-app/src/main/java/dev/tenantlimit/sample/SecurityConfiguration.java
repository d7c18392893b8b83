package dev.tenantlimit.sample;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The application's own security. Tenants authenticate to the API with a JWT or an API key,
 * which TenantLimit checks, so Spring Security lets {@code /api/**} through; health stays open;
 * the Prometheus endpoint is open on the management port only, when there is one (the Kubernetes
 * profile: a port the Service does not expose); everything else needs a user.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	@Bean
	SecurityFilterChain apiSecurity(HttpSecurity http, @Value("${management.server.port:-1}") int managementPort) {
		return http
			.authorizeHttpRequests((requests) -> requests.requestMatchers("/api/**", "/actuator/health/**", "/error", "/v3/api-docs/**")
				.permitAll()
				.requestMatchers(prometheusOnPort(managementPort))
				.permitAll()
				.anyRequest()
				.authenticated())
			.httpBasic((basic) -> {
			})
			.csrf((csrf) -> csrf.ignoringRequestMatchers("/api/**"))
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.build();
	}

	/** {@code /actuator/prometheus} on the management port; nothing without one. */
	private static RequestMatcher prometheusOnPort(int managementPort) {
		return (request) -> managementPort > 0 && request.getLocalPort() == managementPort
				&& "/actuator/prometheus".equals(request.getRequestURI());
	}

}
