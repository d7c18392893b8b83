package dev.tenantlimit.ownsecurity;

import java.security.Principal;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static dev.tenantlimit.web.TenantLimitConfigurer.tenantLimit;

/**
 * An application with security of its own: HTTP Basic users, URL rules that want a signed-in user
 * or tenant, and TenantLimit added to its chain in one line.
 */
@SpringBootApplication
public class OwnSecurityApplication {

	@Bean
	SecurityFilterChain applicationSecurity(HttpSecurity http) throws Exception {
		return http
			.authorizeHttpRequests((requests) -> requests.requestMatchers("/public").permitAll()
				.requestMatchers("/hello").hasAnyRole("TENANT", "USER")
				.anyRequest().authenticated())
			.httpBasic(Customizer.withDefaults())
			.csrf((csrf) -> csrf.disable())
			.with(tenantLimit(), Customizer.withDefaults())
			.build();
	}

	/** alice works for tenant acme (authority TENANT_acme), bob for no tenant. */
	@Bean
	InMemoryUserDetailsManager users() {
		return new InMemoryUserDetailsManager(
				User.withUsername("alice").password("{noop}alice-password").authorities("ROLE_USER", "TENANT_acme").build(),
				User.withUsername("bob").password("{noop}bob-password").authorities("ROLE_USER").build());
	}

	@RestController
	static class HelloController {

		@GetMapping("/hello")
		String hello(Principal principal) {
			return "hello " + principal.getName();
		}

		@GetMapping("/public")
		String open() {
			return "public";
		}

	}

}
