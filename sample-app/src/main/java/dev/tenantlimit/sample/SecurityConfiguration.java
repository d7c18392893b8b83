package dev.tenantlimit.sample;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The application's own security. Tenants authenticate to the API with a JWT or an API key,
 * which TenantLimit checks, so Spring Security lets {@code /api/**} through; health stays open
 * and everything else needs a user.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	@Bean
	SecurityFilterChain apiSecurity(HttpSecurity http) {
		return http
			.authorizeHttpRequests((requests) -> requests.requestMatchers("/api/**", "/actuator/health/**", "/error", "/v3/api-docs/**")
				.permitAll()
				.anyRequest()
				.authenticated())
			.httpBasic((basic) -> {
			})
			.csrf((csrf) -> csrf.ignoringRequestMatchers("/api/**"))
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.build();
	}

}
