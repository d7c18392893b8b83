package dev.tenantlimit.testapp;

import java.util.HashMap;
import java.util.Map;

import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.web.CurrentTenant;
import dev.tenantlimit.web.TenantContext;
import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** A small application the integration tests run TenantLimit in. */
@SpringBootApplication
public class TestApplication {

	/** The application's own security: everything open, so only TenantLimit decides. */
	@Bean
	SecurityFilterChain openSecurity(HttpSecurity http) {
		return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.csrf((csrf) -> csrf.disable())
			.build();
	}

	/** An admin and a user without the admin role. */
	@Bean
	InMemoryUserDetailsManager users() {
		return new InMemoryUserDetailsManager(
				User.withUsername("admin").password("{noop}admin-secret").roles("TENANTLIMIT_ADMIN").build(),
				User.withUsername("alice").password("{noop}alice-secret").roles("USER").build());
	}

	@RestController
	static class TestController {

		@GetMapping("/api/whoami")
		Map<String, String> whoami(@CurrentTenant String tenant) {
			return Map.of("tenant", tenant);
		}

		@PostMapping("/api/notes")
		Map<String, String> createNote(@CurrentTenant Tenant tenant) {
			return Map.of("tenant", tenant.id(), "name", tenant.name());
		}

		@GetMapping("/api/context")
		Map<String, String> context() {
			Map<String, String> context = new HashMap<>();
			context.put("tenantContext", TenantContext.currentTenantId());
			context.put("mdc", MDC.get(TenantContext.MDC_KEY));
			return context;
		}

		@GetMapping("/api/slow")
		String slow() throws InterruptedException {
			Thread.sleep(600);
			return "done";
		}

		@GetMapping("/api/slow-boom")
		String slowBoom() throws InterruptedException {
			Thread.sleep(600);
			throw new IllegalStateException("slow and failed");
		}

		@PostMapping("/api/slow")
		String slowWrite() throws InterruptedException {
			Thread.sleep(600);
			return "written";
		}

		@GetMapping("/api/boom")
		String boom() {
			throw new IllegalStateException("controller failed");
		}

		@GetMapping("/public/ping")
		Map<String, Object> ping(@CurrentTenant Tenant tenant) {
			return Map.of("tenantPresent", tenant != null);
		}

	}

}
