package dev.tenantlimit.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.tenantlimit.jdbc.JdbcTenantStore;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.tenant.ApiKeys;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantStatus;
import dev.tenantlimit.testapp.TestApplication;
import dev.tenantlimit.testapp.TestDatabases;
import dev.tenantlimit.testapp.TestTokens;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.MDC;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The whole request path in a Spring Boot application: real Redis, real H2. */
@SpringBootTest(classes = TestApplication.class,
		properties = { "tenantlimit.jwt.secret=" + TestTokens.SECRET, "tenantlimit.default-quotas[0].limit=4",
				"tenantlimit.default-quotas[0].window=1m", "tenantlimit.filter.exclude-paths=/public/**,/error",
				"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=${tenantlimit.test.redis.port:6379}" })
@AutoConfigureMockMvc
class TenantRateLimitFilterIntegrationTests {

	@DynamicPropertySource
	static void isolate(DynamicPropertyRegistry registry) {
		TestDatabases.isolate(registry);
	}

	@Autowired
	private MockMvc mvc;

	@Autowired
	private JdbcTenantStore store;

	private String tenantId;

	@BeforeEach
	void createTenant() {
		this.tenantId = "t-" + UUID.randomUUID().toString().substring(0, 8);
		this.store.createTenant(new Tenant(this.tenantId, "Tenant " + this.tenantId, null, TenantStatus.ACTIVE,
				List.of(Quota.of(3, Duration.ofMinutes(1)))));
	}

	@Test
	void apiKeyRequestReachesTheControllerWithItsTenantAndHeaders() throws Exception {
		String key = ApiKeys.generate();
		this.store.addApiKey(this.tenantId, "test", key);
		this.mvc.perform(get("/api/whoami").header("X-API-Key", key))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.tenant").value(this.tenantId))
			.andExpect(header().string("RateLimit-Policy", "\"per-minute\";q=3;w=60"))
			.andExpect(header().string("RateLimit", "\"per-minute\";r=2;t=60"));
	}

	@Test
	void requestsOverQuotaAreRefusedWithProblemAndRetryAfter() throws Exception {
		for (int remaining = 2; remaining >= 0; remaining--) {
			bearer(get("/api/whoami")).andExpect(status().isOk())
				.andExpect(header().string("RateLimit", containsString("r=" + remaining)));
		}
		bearer(get("/api/whoami")).andExpect(status().isTooManyRequests())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(header().string("Retry-After", "60"))
			.andExpect(header().string("RateLimit", "\"per-minute\";r=0;t=60"))
			.andExpect(header().string("RateLimit-Policy", "\"per-minute\";q=3;w=60"))
			.andExpect(jsonPath("$.type", endsWith("/quota-exceeded")))
			.andExpect(jsonPath("$.status").value(429))
			.andExpect(jsonPath("$.tenant").value(this.tenantId))
			.andExpect(jsonPath("$.limit").value(3))
			.andExpect(jsonPath("$.window").value(60))
			.andExpect(jsonPath("$.retryAfter").value(60))
			.andExpect(jsonPath("$.violated-policies[0]").value("per-minute"));
	}

	@Test
	void tenantWithoutQuotasGetsTheDefaults() throws Exception {
		this.store.createTenant(new Tenant(this.tenantId + "-d", "Defaults", null, TenantStatus.ACTIVE, List.of()));
		this.mvc.perform(get("/api/whoami").header("Authorization", "Bearer " + TestTokens.forTenant(this.tenantId + "-d")))
			.andExpect(status().isOk())
			.andExpect(header().string("RateLimit-Policy", "\"per-minute\";q=4;w=60"));
	}

	@Test
	void quotaWithPathAndMethodsCountsOnlyThoseRequests() throws Exception {
		String id = this.tenantId + "-w";
		this.store.createTenant(new Tenant(id, "Writer", null, TenantStatus.ACTIVE,
				List.of(new Quota(null, 1, Duration.ofMinutes(1), "/api/notes/**", Set.of("POST")))));
		String token = "Bearer " + TestTokens.forTenant(id);
		this.mvc.perform(post("/api/notes").header("Authorization", token))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.name").value("Writer"));
		this.mvc.perform(post("/api/notes").header("Authorization", token)).andExpect(status().isTooManyRequests());
		this.mvc.perform(get("/api/whoami").header("Authorization", token))
			.andExpect(status().isOk())
			.andExpect(header().doesNotExist("RateLimit"));
	}

	@Test
	void aRequestThatCostsFiveUsesFiveUnitsOfItsQuota() throws Exception {
		String id = this.tenantId + "-c";
		this.store.createTenant(new Tenant(id, "Reporter", null, TenantStatus.ACTIVE,
				List.of(new Quota(null, 10, Duration.ofMinutes(1), "/api/notes/**", Set.of("POST")).withCost(5))));
		assertThat(this.store.findTenant(id).orElseThrow().quotas()).singleElement()
			.satisfies((quota) -> assertThat(quota.cost()).isEqualTo(5));
		String token = "Bearer " + TestTokens.forTenant(id);
		for (int remaining = 5; remaining >= 0; remaining -= 5) {
			this.mvc.perform(post("/api/notes").header("Authorization", token))
				.andExpect(status().isOk())
				.andExpect(header().string("RateLimit-Policy", "\"per-minute\";q=10;w=60"))
				.andExpect(header().string("RateLimit", "\"per-minute\";r=" + remaining + ";t=60"));
		}
		this.mvc.perform(post("/api/notes").header("Authorization", token))
			.andExpect(status().isTooManyRequests())
			.andExpect(jsonPath("$.limit").value(10))
			.andExpect(header().string("RateLimit", "\"per-minute\";r=0;t=60"));
	}

	static List<Arguments> badTokens() {
		Instant past = Instant.now().minus(Duration.ofHours(1));
		String none = base64("{\"alg\":\"none\"}") + "." + base64("{\"tenant_id\":\"acme\"}") + ".";
		return List.of(Arguments.of("expired", Jwts.builder().claim("tenant_id", "acme").expiration(Date.from(past))
			.signWith(TestTokens.KEY).compact(), "expired"),
				Arguments.of("alg none", none, "unsigned"),
				Arguments.of("wrong key", Jwts.builder().claim("tenant_id", "acme")
					.signWith(Keys.hmacShaKeyFor("another-secret-0123456789abcdefghijkl".getBytes(StandardCharsets.UTF_8)))
					.compact(), "signature"),
				Arguments.of("malformed", "abc.def", "malformed"),
				Arguments.of("missing claim", Jwts.builder().subject("x")
					.expiration(Date.from(Instant.now().plusSeconds(300))).signWith(TestTokens.KEY).compact(), "tenant_id"),
				Arguments.of("no expiry", Jwts.builder().claim("tenant_id", "acme").signWith(TestTokens.KEY).compact(),
						"'exp'"),
				Arguments.of("malformed tenant id", TestTokens.forTenant("../../etc"), "Unknown tenant"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badTokens")
	void badTokensAreRefusedWith401Problems(String name, String token, String detail) throws Exception {
		this.mvc.perform(get("/api/whoami").header("Authorization", "Bearer " + token))
			.andExpect(status().isUnauthorized())
			.andExpect(header().string("WWW-Authenticate", containsString("Bearer")))
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.status").value(401))
			.andExpect(jsonPath("$.detail", containsString(detail)))
			.andExpect(content().string(org.hamcrest.Matchers.not(containsString("Exception"))));
	}

	@Test
	void aVerifiedTokenOfATenantNobodyCreatedGetsTheDefaultQuotas() throws Exception {
		String token = "Bearer " + TestTokens.forTenant("new-" + UUID.randomUUID().toString().substring(0, 8));
		for (int i = 0; i < 4; i++) {
			this.mvc.perform(get("/api/whoami").header("Authorization", token))
				.andExpect(status().isOk())
				.andExpect(header().string("RateLimit-Policy", "\"per-minute\";q=4;w=60"));
		}
		this.mvc.perform(get("/api/whoami").header("Authorization", token)).andExpect(status().isTooManyRequests());
	}

	@Test
	void aVerifiedTenantIsTheAuthenticationTheApplicationSees() throws Exception {
		this.mvc.perform(get("/api/principal").header("Authorization", "Bearer " + TestTokens.forTenant(this.tenantId)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.name").value(this.tenantId))
			.andExpect(jsonPath("$.type").value("TenantAuthenticationToken"))
			.andExpect(jsonPath("$.authorities").value("[ROLE_TENANT]"));
	}

	@Test
	void aSignedInUserWhoseAuthenticationNamesNoTenantIsToldHowToMapIt() throws Exception {
		this.mvc.perform(get("/api/whoami").with(user("alice")))
			.andExpect(status().isUnauthorized())
			.andExpect(jsonPath("$.detail", containsString("TenantResolver")));
	}

	@Test
	void requestWithoutCredentialsIsRefused() throws Exception {
		this.mvc.perform(get("/api/whoami"))
			.andExpect(status().isUnauthorized())
			.andExpect(header().string("WWW-Authenticate", "Bearer realm=\"tenantlimit\""))
			.andExpect(jsonPath("$.type", endsWith("/unauthenticated")));
	}

	@Test
	void unknownAndRevokedApiKeysAreRefused() throws Exception {
		this.mvc.perform(get("/api/whoami").header("X-API-Key", ApiKeys.generate()))
			.andExpect(status().isUnauthorized())
			.andExpect(header().string("WWW-Authenticate", containsString("ApiKey")))
			.andExpect(jsonPath("$.detail").value("Unknown or revoked API key"));
		this.mvc.perform(get("/api/whoami").header("X-API-Key", "x".repeat(10_000)))
			.andExpect(status().isUnauthorized());
	}

	@Test
	void suspendedTenantIsForbidden() throws Exception {
		String id = this.tenantId + "-s";
		this.store.createTenant(new Tenant(id, "Suspended", null, TenantStatus.SUSPENDED, List.of()));
		this.mvc.perform(get("/api/whoami").header("Authorization", "Bearer " + TestTokens.forTenant(id)))
			.andExpect(status().isForbidden())
			.andExpect(jsonPath("$.type", endsWith("/tenant-suspended")))
			.andExpect(jsonPath("$.tenant").value(id));
	}

	@Test
	void excludedPathsAreNeitherLimitedNorAttributed() throws Exception {
		for (int i = 0; i < 10; i++) {
			this.mvc.perform(get("/public/ping"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.tenantPresent").value(false))
				.andExpect(header().doesNotExist("RateLimit"));
		}
	}

	@Test
	void authenticationFromTheApplicationsSecurityNamesTheTenant() throws Exception {
		this.mvc.perform(get("/api/whoami").with(jwt().jwt((token) -> token.claim("tenant_id", this.tenantId))))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.tenant").value(this.tenantId))
			.andExpect(header().exists("RateLimit"));
	}

	@Test
	void tenantIsInContextAndMdcDuringTheRequestOnly() throws Exception {
		bearer(get("/api/context")).andExpect(jsonPath("$.tenantContext").value(this.tenantId))
			.andExpect(jsonPath("$.mdc").value(this.tenantId));
		assertThat(TenantContext.currentTenantId()).isNull();
		assertThat(MDC.get(TenantContext.MDC_KEY)).isNull();
		assertThatException().isThrownBy(() -> bearer(get("/api/boom")))
			.havingRootCause()
			.withMessage("controller failed");
		assertThat(TenantContext.currentTenantId()).isNull();
		assertThat(MDC.get(TenantContext.MDC_KEY)).isNull();
	}

	private ResultActions bearer(MockHttpServletRequestBuilder request) throws Exception {
		return this.mvc.perform(request.header("Authorization", "Bearer " + TestTokens.forTenant(this.tenantId)));
	}

	private static String base64(String json) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

}
