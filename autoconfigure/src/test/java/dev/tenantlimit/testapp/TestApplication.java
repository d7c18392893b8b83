package dev.tenantlimit.testapp;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.HashMap;
import java.util.Map;

import dev.tenantlimit.annotation.RateLimited;
import dev.tenantlimit.limiter.FallbackState;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.web.CurrentTenant;
import dev.tenantlimit.web.TenantContext;
import org.slf4j.MDC;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A small application the integration tests run TenantLimit in. */
// Flyway and Liquibase are on the test class path for SchemaMigrationToolsTests only
@SpringBootApplication(excludeName = { "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
		"org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration" })
public class TestApplication {

	/** Run as a process of its own: what {@link InstanceProcess} starts. */
	public static void main(String[] args) {
		SpringApplication.run(TestApplication.class, args);
	}

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

	/**
	 * What a test in another JVM needs to know of this instance; under {@code /diagnostics}, which
	 * such tests exclude from TenantLimit.
	 */
	@RestController
	static class DiagnosticsController {

		private final FallbackState fallback;

		private final ApplicationAvailability availability;

		DiagnosticsController(FallbackState fallback, ApplicationAvailability availability) {
			this.fallback = fallback;
			this.availability = availability;
		}

		@GetMapping("/diagnostics/state")
		Map<String, Object> state() {
			return Map.of("ready", this.availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC,
					"fallbackActive", this.fallback.isActive(), "localDecisions", this.fallback.localDecisions(),
					"writtenBack", this.fallback.writtenBack(), "outages", this.fallback.outages(),
					"liveInstances", this.fallback.liveInstances());
		}

	}

	/** A meta-annotation, as an application would declare one: 2 a minute. */
	@Retention(RetentionPolicy.RUNTIME)
	@Target(ElementType.METHOD)
	@RateLimited(limit = 2, window = "1m")
	@interface ExpensiveCall {

	}

	/** Handlers with quotas of their own ({@code HandlerQuotasIntegrationTests}). */
	@RestController
	@RequestMapping("/api/reports")
	static class ReportController {

		@PostMapping
		@RateLimited(limit = 10, window = "1m", cost = 5)
		String create() {
			return "created";
		}

		@GetMapping("/{id}")
		@ExpensiveCall
		String report(@PathVariable String id) {
			return "report " + id;
		}

		@GetMapping("/{id}/summary")
		@ExpensiveCall
		String summary(@PathVariable String id) {
			return "summary " + id;
		}

		@GetMapping("/latest")
		String latest() {
			return "latest";
		}

	}

	/** Handlers that charge once they know what the work cost ({@code ChargeAfterWorkIntegrationTests}). */
	@RestController
	@RequestMapping("/api/generate")
	static class GenerateController {

		@PostMapping
		Map<String, Object> generate(@RequestParam long tokens) {
			return Map.of("tokens", tokens, "charged", TenantContext.charge(tokens));
		}

		/** As a handler in another language would: the header, which the client never sees. */
		@PostMapping("/by-header")
		ResponseEntity<String> byHeader(@RequestParam String tokens) {
			return ResponseEntity.ok().header("TenantLimit-Charge", tokens).body("generated");
		}

	}

	/** One quota for all handlers of a controller, a second on one of them. */
	@RestController
	@RequestMapping("/api/exports")
	@RateLimited(limit = 3, window = "1m")
	static class ExportController {

		@GetMapping("/csv")
		String csv() {
			return "csv";
		}

		@GetMapping("/pdf")
		@RateLimited(limit = 1, window = "10s")
		String pdf() {
			return "pdf";
		}

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

		@GetMapping("/api/principal")
		Map<String, String> principal() {
			Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
			return Map.of("name", authentication.getName(), "type", authentication.getClass().getSimpleName(),
					"authorities", authentication.getAuthorities().toString());
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
