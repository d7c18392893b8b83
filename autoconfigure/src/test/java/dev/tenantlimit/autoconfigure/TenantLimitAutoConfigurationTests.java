package dev.tenantlimit.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.tenantlimit.admin.TenantAdminController;
import dev.tenantlimit.admin.TokenExchangeController;
import dev.tenantlimit.jdbc.JdbcTenantStore;
import dev.tenantlimit.limiter.RateLimitDecision;
import dev.tenantlimit.limiter.RateLimiter;
import dev.tenantlimit.metrics.MicrometerRequestObserver;
import dev.tenantlimit.quota.Algorithm;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.redis.RedisSlidingWindowRateLimiter;
import dev.tenantlimit.security.ApiKeyTenantResolver;
import dev.tenantlimit.security.AuthenticationTenantResolver;
import dev.tenantlimit.security.JwtTenantResolver;
import dev.tenantlimit.security.TenantResolver;
import dev.tenantlimit.tenant.InMemoryTenantStore;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantCache;
import dev.tenantlimit.tenant.TenantStore;
import dev.tenantlimit.web.TenantRateLimitFilter;
import javax.sql.DataSource;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TenantLimitAutoConfigurationTests {

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(DataSourceAutoConfiguration.class,
			DataSourceTransactionManagerAutoConfiguration.class, DataRedisAutoConfiguration.class,
			JacksonAutoConfiguration.class, TenantLimitJdbcAutoConfiguration.class,
			TenantLimitInMemoryStoreAutoConfiguration.class, TenantLimitRedisAutoConfiguration.class,
			TenantLimitWebAutoConfiguration.class);

	private static final AutoConfigurations SECURITY = AutoConfigurations.of(SecurityAutoConfiguration.class,
			ServletWebSecurityAutoConfiguration.class, UserDetailsServiceAutoConfiguration.class,
			WebMvcAutoConfiguration.class, TenantLimitAdminAutoConfiguration.class);

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(CONFIGURATIONS)
		.withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID());

	@Test
	void capsLettucesReconnectDelayAtTheRetryInterval() {
		this.runner.withPropertyValues("tenantlimit.fallback.retry-interval=700ms").run((context) -> {
			ClientResources resources = context.getBean(ClientResources.class);
			Delay delay = resources.reconnectDelay();
			assertThat(delay.createDelay(40)).isEqualTo(Duration.ofMillis(700));
		});
	}

	@Test
	void configuresTheRequestPath() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(JdbcTenantStore.class)
				.hasSingleBean(RedisSlidingWindowRateLimiter.class)
				.hasSingleBean(TenantCache.class)
				.hasSingleBean(ApiKeyTenantResolver.class)
				.hasSingleBean(AuthenticationTenantResolver.class)
				.hasSingleBean(TenantRateLimitFilter.class)
				.doesNotHaveBean(JwtTenantResolver.class);
			assertThat(context.getBean("tenantRateLimitFilterRegistration", FilterRegistrationBean.class).getOrder())
				.isEqualTo(TenantRateLimitFilter.DEFAULT_ORDER);
		});
	}

	@Test
	void filterRunsAfterSpringSecurity() {
		assertThat(TenantRateLimitFilter.DEFAULT_ORDER).isGreaterThan(SecurityFilterProperties.DEFAULT_FILTER_ORDER);
	}

	@Test
	void jwtSecretAddsTheJwtResolver() {
		this.runner.withPropertyValues("tenantlimit.jwt.secret=" + "s".repeat(32))
			.run((context) -> assertThat(context).hasSingleBean(JwtTenantResolver.class));
	}

	@Test
	void weakJwtSecretFailsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("tenantlimit.jwt.secret=too-short").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("tenantlimit.jwt.secret")
				.hasMessageContaining("at least 32 bytes (256 bits)")
				.hasMessageNotContaining("too-short");
		});
	}

	@Test
	void unreadablePublicKeyFailsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("tenantlimit.jwt.public-key=classpath:application-does-not-exist.pem")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("tenantlimit.jwt.public-key"));
	}

	@Test
	void invalidDefaultQuotaFailsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("tenantlimit.default-quotas[0].limit=0")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("tenantlimit.default-quotas[0]")
				.hasMessageContaining("limit must be at least 1"));
	}

	@Test
	void defaultQuotasTakeAlgorithmBurstAndShards() {
		this.runner
			.withPropertyValues("tenantlimit.default-quotas[0].limit=10", "tenantlimit.default-quotas[0].algorithm=token-bucket",
					"tenantlimit.default-quotas[0].burst=30", "tenantlimit.default-quotas[0].shards=2",
					"tenantlimit.default-quotas[1].limit=5000", "tenantlimit.default-quotas[1].window=1h",
					"tenantlimit.default-quotas[1].shards=2", "tenantlimit.default-quotas[1].lease=false")
			.run((context) -> assertThat(ConfiguredQuotas.defaultQuotas(context.getBean(TenantLimitProperties.class)))
				.extracting(Quota::algorithm, Quota::capacity, Quota::shards, Quota::lease)
				.containsExactly(tuple(Algorithm.TOKEN_BUCKET, 30L, 2, true), tuple(Algorithm.AUTO, 5000L, 2, false)));
	}

	@Test
	void aLeaseLongerThanASecondOrATooLargeBatchFailsStartUp() {
		this.runner.withPropertyValues("tenantlimit.lease.duration=5s")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("tenantlimit.lease.duration"));
		this.runner.withPropertyValues("tenantlimit.lease.max-permits=5000")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("tenantlimit.lease.max-permits"));
	}

	@Test
	void inconsistentDefaultQuotasOrAlgorithmSettingsFailStartUp() {
		this.runner.withPropertyValues("tenantlimit.default-quotas[0].burst=30")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("tenantlimit.default-quotas[0]")
				.hasMessageContaining("token-bucket only"));
		this.runner.withPropertyValues("tenantlimit.default-quotas[0].shards=2", "tenantlimit.default-quotas[1].limit=9")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("the same shards"));
		this.runner.withPropertyValues("tenantlimit.algorithms.sub-windows=1")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("tenantlimit.algorithms")
				.hasMessageContaining("sub-windows must be from 2 to 100"));
	}

	@Test
	void backsOffWhenDisabled() {
		this.runner.withPropertyValues("tenantlimit.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TenantStore.class)
				.doesNotHaveBean(RateLimiter.class)
				.doesNotHaveBean(TenantRateLimitFilter.class));
	}

	@Test
	void usesTheApplicationsOwnLimiterAndStore() {
		this.runner.withUserConfiguration(OwnBeans.class).run((context) -> {
			assertThat(context).doesNotHaveBean(RedisSlidingWindowRateLimiter.class)
				.doesNotHaveBean(JdbcTenantStore.class)
				.hasSingleBean(TenantRateLimitFilter.class);
			assertThat(context.getBean(RateLimiter.class)).isSameAs(context.getBean(OwnBeans.class).limiter);
		});
	}

	@Test
	void applicationResolversJoinTheChainAndTheirTenantsGetTheDefaultQuotas() {
		this.runner.withBean("headerTenantResolver", TenantResolver.class,
				() -> (request) -> request.getHeader("X-Tenant"))
			.run((context) -> {
				MockHttpServletResponse response = filterWithTenantHeader(context.getBean(TenantRateLimitFilter.class));
				// the header resolver named a tenant the (empty) store does not know: served, limited
				assertThat(response.getStatus()).isEqualTo(200);
				assertThat(response.getHeader("RateLimit-Policy")).isEqualTo("\"per-minute\";q=100;w=60");
			});
	}

	@Test
	void basicUsersAreMappedToTenantsByAnAuthorityWithoutCode() {
		this.runner.withPropertyValues("tenantlimit.authentication.authority-prefix=TENANT_").run((context) -> {
			SecurityContextHolder.getContext()
				.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("alice", "x",
						AuthorityUtils.createAuthorityList("TENANT_acme-" + UUID.randomUUID().toString().substring(0, 8))));
			try {
				MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/whoami");
				MockHttpServletResponse response = new MockHttpServletResponse();
				context.getBean(TenantRateLimitFilter.class).doFilter(request, response, new MockFilterChain());
				assertThat(response.getStatus()).isEqualTo(200);
				assertThat(response.getHeader("RateLimit-Policy")).isEqualTo("\"per-minute\";q=100;w=60");
			}
			finally {
				SecurityContextHolder.clearContext();
			}
		});
	}

	@Test
	void aBearerTokenWithNoJwtKeyConfiguredGetsAPrecise401() {
		this.runner.run((context) -> {
			MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/whoami");
			request.addHeader("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x");
			MockHttpServletResponse response = new MockHttpServletResponse();
			context.getBean(TenantRateLimitFilter.class).doFilter(request, response, new MockFilterChain());
			assertThat(response.getStatus()).isEqualTo(401);
			assertThat(response.getContentAsString()).contains("no JWT key is configured")
				.contains("tenantlimit.jwt.secret");
		});
	}

	@Test
	void unknownTenantsAreRefusedWithTheRejectPolicy() {
		this.runner.withBean("headerTenantResolver", TenantResolver.class,
				() -> (request) -> request.getHeader("X-Tenant"))
			.withPropertyValues("tenantlimit.unknown-tenant-policy=reject")
			.run((context) -> {
				MockHttpServletResponse response = filterWithTenantHeader(context.getBean(TenantRateLimitFilter.class));
				assertThat(response.getStatus()).isEqualTo(401);
				assertThat(response.getContentAsString()).contains("Unknown tenant");
			});
	}

	private static MockHttpServletResponse filterWithTenantHeader(TenantRateLimitFilter filter) throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/whoami");
		request.addHeader("X-Tenant", "someone-" + UUID.randomUUID().toString().substring(0, 8));
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(request, response, new MockFilterChain());
		return response;
	}

	@Test
	void backsOffWithoutSpringDataRedis() {
		this.runner.withClassLoader(new FilteredClassLoader(StringRedisTemplate.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RateLimiter.class)
				.doesNotHaveBean(TenantRateLimitFilter.class)
				.hasSingleBean(JdbcTenantStore.class));
	}

	@Test
	void nonWebApplicationGetsStoreAndLimiterButNoFilter() {
		new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID())
			.run((context) -> assertThat(context).hasSingleBean(JdbcTenantStore.class)
				.hasSingleBean(RateLimiter.class)
				.doesNotHaveBean(TenantRateLimitFilter.class));
	}

	@Test
	void adminApiKeepsSpringBootsDefaultSecurityForTheRestOfTheApplication() {
		this.runner.withConfiguration(SECURITY).run((context) -> {
			assertThat(context).hasSingleBean(TenantAdminController.class);
			assertThat(context.getBeansOfType(SecurityFilterChain.class)).containsKeys(
					"tenantLimitAdminSecurityFilterChain", "defaultSecurityFilterChain");
		});
	}

	@Test
	void adminApiCanBeSwitchedOff() {
		this.runner.withConfiguration(SECURITY)
			.withPropertyValues("tenantlimit.admin.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TenantAdminController.class)
				.doesNotHaveBean("tenantLimitAdminSecurityFilterChain")
				.hasSingleBean(TenantRateLimitFilter.class));
	}

	@Test
	void adminApiNeedsSpringSecurity() {
		this.runner.withConfiguration(SECURITY)
			.withClassLoader(new FilteredClassLoader(SecurityFilterChain.class))
			.run((context) -> assertThat(context).doesNotHaveBean(TenantAdminController.class));
	}

	@Test
	void tokenExchangeNeedsAJwtSecret() {
		this.runner.withConfiguration(SECURITY)
			.run((context) -> assertThat(context).doesNotHaveBean(TokenExchangeController.class));
		this.runner.withConfiguration(SECURITY)
			.withPropertyValues("tenantlimit.jwt.secret=" + "s".repeat(32))
			.run((context) -> assertThat(context).hasSingleBean(TokenExchangeController.class));
	}

	@Test
	void metersAreRegisteredWhenMicrometerIsThere() {
		this.runner.withConfiguration(AutoConfigurations.of(TenantLimitMetricsAutoConfiguration.class))
			.withBean(SimpleMeterRegistry.class)
			.run((context) -> {
				SimpleMeterRegistry registry = context.getBean(SimpleMeterRegistry.class);
				context.getBean(MeterBinder.class).bindTo(registry);
				assertThat(context).hasSingleBean(MicrometerRequestObserver.class);
				assertThat(registry.get("tenantlimit.decision").timer()).isNotNull();
				assertThat(registry.get("tenantlimit.fallback.active").gauge().value()).isZero();
				assertThat(registry.get("tenantlimit.inflight").tag("kind", "mutating").gauge().value()).isZero();
			});
	}

	@Test
	void noMetersWithoutARegistry() {
		this.runner.withConfiguration(AutoConfigurations.of(TenantLimitMetricsAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(MicrometerRequestObserver.class));
	}

	@Test
	void createsTheSchemaInAnEmbeddedDatabase() {
		this.runner.run((context) -> assertThat(tenantRows(context.getBean(DataSource.class))).isZero());
	}

	@Test
	void failsFastWhenTheTablesAreMissingAndSaysHowToCreateThem() {
		this.runner.withPropertyValues("tenantlimit.schema.initialize=never").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new MissingSchemaFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).as("the failure is a missing table").isNotNull();
			assertThat(analysis.getDescription()).contains("tl_tenant does not exist");
			assertThat(analysis.getAction()).contains("tenantlimit.schema.initialize=always")
				.contains("dev/tenantlimit/jdbc/schema-postgresql.sql")
				.contains("classpath:dev/tenantlimit/flyway/{vendor}")
				.contains("dev/tenantlimit/liquibase/tenantlimit-changelog.yaml");
		});
	}

	@Test
	void withoutADataSourceTenantsLiveInMemoryAndVerifiedOnesGetTheDefaultQuotas() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
					TenantLimitJdbcAutoConfiguration.class, TenantLimitInMemoryStoreAutoConfiguration.class,
					TenantLimitRedisAutoConfiguration.class, TenantLimitWebAutoConfiguration.class))
			.withBean("headerTenantResolver", TenantResolver.class, () -> (request) -> request.getHeader("X-Tenant"))
			.run((context) -> {
				assertThat(context).hasSingleBean(InMemoryTenantStore.class)
					.doesNotHaveBean(JdbcTenantStore.class)
					.hasSingleBean(TenantRateLimitFilter.class);
				MockHttpServletResponse response = filterWithTenantHeader(context.getBean(TenantRateLimitFilter.class));
				assertThat(response.getStatus()).isEqualTo(200);
				assertThat(response.getHeader("RateLimit-Policy")).isEqualTo("\"per-minute\";q=100;w=60");
			});
	}

	private static long tenantRows(DataSource dataSource) {
		return JdbcClient.create(dataSource).sql("SELECT COUNT(*) FROM tl_tenant").query(Long.class).single();
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBeans {

		final RateLimiter limiter = (tenantId, quotas) -> new RateLimitDecision(true, List.of(), Duration.ZERO);

		@Bean
		RateLimiter ownLimiter() {
			return this.limiter;
		}

		@Bean
		TenantStore ownStore() {
			return new TenantStore() {
				@Override
				public Optional<Tenant> findTenant(String tenantId) {
					return Optional.empty();
				}

				@Override
				public Optional<String> findTenantIdByApiKeyHash(String keyHash) {
					return Optional.empty();
				}
			};
		}

	}

}
