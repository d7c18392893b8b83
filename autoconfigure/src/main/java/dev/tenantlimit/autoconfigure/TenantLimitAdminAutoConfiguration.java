package dev.tenantlimit.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import javax.sql.DataSource;

import dev.tenantlimit.admin.AdminExceptionHandler;
import dev.tenantlimit.admin.AdminJwtAuthenticationFilter;
import dev.tenantlimit.admin.AdminLoginThrottleFilter;
import dev.tenantlimit.admin.FailedAdminLogins;
import dev.tenantlimit.admin.AdminSecurityProblems;
import dev.tenantlimit.admin.PlanAdminController;
import dev.tenantlimit.admin.TenantAdminController;
import dev.tenantlimit.admin.TenantAdministration;
import dev.tenantlimit.admin.TokenExchangeController;
import dev.tenantlimit.jdbc.JdbcAuditLog;
import dev.tenantlimit.jdbc.JdbcTenantStore;
import dev.tenantlimit.limiter.QuotaUsageReader;
import dev.tenantlimit.redis.RedisTenantChanges;
import dev.tenantlimit.security.ApiKeyTenantResolver;
import dev.tenantlimit.security.JwtLifetimePolicy;
import dev.tenantlimit.tenant.TenantCache;
import dev.tenantlimit.web.ProblemResponses;
import io.jsonwebtoken.security.Keys;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

/**
 * Auto-configuration of the admin REST API under {@code tenantlimit.admin.base-path}, with its own
 * {@link SecurityFilterChain} that matches only that path: HTTP Basic against the application's
 * users, or an admin JWT, and the admin role. It runs after Spring Boot's security
 * auto-configuration so that Boot's default chain for the rest of the application is not
 * displaced by this one.
 */
@AutoConfiguration(after = TenantLimitWebAutoConfiguration.class,
		afterName = { "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(value = { SecurityFilterChain.class, HttpSecurity.class },
		name = "org.springframework.jdbc.core.simple.JdbcClient")
@ConditionalOnBean({ JdbcTenantStore.class, TenantCache.class, QuotaUsageReader.class, RedisTenantChanges.class })
@ConditionalOnBooleanProperty(name = { "tenantlimit.enabled", "tenantlimit.admin.enabled" }, matchIfMissing = true)
@EnableConfigurationProperties(TenantLimitProperties.class)
public final class TenantLimitAdminAutoConfiguration {

	/** Before any chain an application is likely to define; it matches only the admin path. */
	static final int ADMIN_CHAIN_ORDER = Ordered.HIGHEST_PRECEDENCE + 50;

	@Bean
	@ConditionalOnMissingBean
	JdbcAuditLog jdbcAuditLog(DataSource dataSource) {
		return new JdbcAuditLog(JdbcClient.create(dataSource));
	}

	@Bean
	@ConditionalOnMissingBean
	TenantAdministration tenantAdministration(JdbcTenantStore store, JdbcAuditLog audit, RedisTenantChanges changes,
			QuotaUsageReader usage, TenantLimitProperties properties, ObjectProvider<JsonMapper> jsonMapper) {
		return new TenantAdministration(store, audit, changes, usage, () -> ConfiguredQuotas.defaultQuotas(properties),
				currentUser(), jsonMapper.getIfAvailable(JsonMapper::shared));
	}

	@Bean
	TenantAdminController tenantAdminController(TenantAdministration administration) {
		return new TenantAdminController(administration);
	}

	@Bean
	PlanAdminController planAdminController(TenantAdministration administration) {
		return new PlanAdminController(administration);
	}

	@Bean
	AdminExceptionHandler tenantLimitAdminExceptionHandler() {
		return new AdminExceptionHandler();
	}

	@Bean
	@ConditionalOnProperty("tenantlimit.jwt.secret")
	TokenExchangeController tokenExchangeController(ApiKeyTenantResolver apiKeys, TenantCache tenants,
			TenantLimitProperties properties) {
		TenantLimitProperties.Jwt jwt = properties.getJwt();
		return new TokenExchangeController(apiKeys, tenants,
				new TokenExchangeController.TokenSettings(
						Keys.hmacShaKeyFor(jwt.getSecret().getBytes(StandardCharsets.UTF_8)), jwt.getTenantClaim(),
						properties.getAdmin().getTokenLifetime(), jwt.getIssuer(), jwt.getAudience()));
	}

	@Bean
	@Order(ADMIN_CHAIN_ORDER)
	SecurityFilterChain tenantLimitAdminSecurityFilterChain(HttpSecurity http, TenantLimitProperties properties,
			ProblemResponses problems) {
		TenantLimitProperties.Admin admin = properties.getAdmin();
		TenantLimitProperties.AdminJwt adminJwt = admin.getJwt();
		// admin tokens only with keys of their own: tenants' keys must not mint admins
		boolean jwt = adminJwt.getSecret() != null || adminJwt.getPublicKey() != null;
		String challenge = "Basic realm=\"tenantlimit-admin\"" + (jwt ? ", Bearer realm=\"tenantlimit-admin\"" : "");
		FailedAdminLogins failedLogins = new FailedAdminLogins(admin.getMaxFailedLogins(), admin.getFailedLoginWindow());
		AdminSecurityProblems answers = new AdminSecurityProblems(problems, challenge);
		http.securityMatcher(admin.getBasePath() + "/**")
			.authorizeHttpRequests((requests) -> requests.requestMatchers(HttpMethod.POST, admin.getBasePath() + "/token")
				.permitAll()
				.anyRequest()
				.hasRole(admin.getRole()))
			.httpBasic((basic) -> basic.authenticationEntryPoint(answers))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(answers).accessDeniedHandler(answers))
			.csrf((csrf) -> csrf.disable())
			.requestCache((cache) -> cache.disable())
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			// before any credentials are checked: a throttled address makes no more guesses
			.addFilterBefore(new AdminLoginThrottleFilter(failedLogins, problems), BasicAuthenticationFilter.class);
		if (jwt) {
			JwtLifetimePolicy lifetime = new JwtLifetimePolicy(true, adminJwt.getMaxLifetime(),
					properties.getJwt().getClockSkew());
			http.addFilterBefore(new AdminJwtAuthenticationFilter(TenantLimitJwtConfiguration.adminParser(properties),
					lifetime, admin.getRolesClaim(), answers), BasicAuthenticationFilter.class);
		}
		return http.build();
	}

	/** Who makes a change, for the audit log. */
	private static Supplier<String> currentUser() {
		return () -> {
			Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
			return (authentication != null) ? authentication.getName() : "unknown";
		};
	}

}
