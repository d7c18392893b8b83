package dev.tenantlimit.web;

import java.time.Duration;
import java.util.List;

import dev.tenantlimit.jdbc.JdbcTenantStore;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantStatus;
import dev.tenantlimit.testapp.TestApplication;
import dev.tenantlimit.testapp.TestDatabases;
import dev.tenantlimit.testapp.TestTokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * What the filter does when Redis cannot be reached (nothing listens on port 1, so every call is
 * refused at once), and in dry-run mode with a working Redis.
 */
@SpringBootTest(classes = TestApplication.class,
		properties = { "tenantlimit.jwt.secret=" + TestTokens.SECRET, "spring.data.redis.host=127.0.0.1",
				"spring.data.redis.port=1", "spring.data.redis.timeout=200ms",
				"spring.data.redis.connect-timeout=200ms" })
@AutoConfigureMockMvc
class FailModeIntegrationTests {

	@DynamicPropertySource
	static void isolate(DynamicPropertyRegistry registry) {
		TestDatabases.isolate(registry);
	}

	@Autowired
	private MockMvc mvc;

	@Autowired
	private JdbcTenantStore store;

	@Autowired
	private MeterRegistry meters;

	double dryRunDenied() {
		Counter counter = this.meters.find("tenantlimit.requests").tag("outcome", "dry-run-denied").counter();
		return (counter != null) ? counter.count() : 0;
	}

	@BeforeEach
	void createTenant() {
		if (this.store.findTenant("acme").isEmpty()) {
			this.store.createTenant(new Tenant("acme", "Acme", null, TenantStatus.ACTIVE,
					List.of(Quota.of(3, Duration.ofMinutes(1)))));
		}
	}

	ResultActions request() throws Exception {
		return this.mvc.perform(get("/api/whoami").header("Authorization", "Bearer " + TestTokens.forTenant("acme")));
	}

	@Nested
	@TestPropertySource(properties = "tenantlimit.fail-mode=local")
	class Local {

		@Test
		void limitsWithTheInMemoryWindowWhileRedisIsDown() throws Exception {
			for (int i = 0; i < 3; i++) {
				request().andExpect(status().isOk()).andExpect(header().exists("RateLimit"));
			}
			request().andExpect(status().isTooManyRequests()).andExpect(header().exists("Retry-After"));
			assertThat(FailModeIntegrationTests.this.meters.get("tenantlimit.requests").tag("outcome", "fallback")
				.counter()
				.count()).isEqualTo(4);
			assertThat(FailModeIntegrationTests.this.meters.get("tenantlimit.fallback.active").gauge().value()).isOne();
			assertThat(FailModeIntegrationTests.this.meters.get("tenantlimit.fallback.decisions").functionCounter()
				.count()).isGreaterThanOrEqualTo(4);
			assertThat(FailModeIntegrationTests.this.meters.get("tenantlimit.fallback.outages").functionCounter()
				.count()).isOne();
			assertThat(FailModeIntegrationTests.this.meters.get("tenantlimit.fallback.written.back").functionCounter()
				.count()).isZero();
		}

	}

	@Nested
	@TestPropertySource(properties = "tenantlimit.fail-mode=open")
	class Open {

		@Test
		void admitsEverythingWithoutRateLimitHeaders() throws Exception {
			for (int i = 0; i < 6; i++) {
				request().andExpect(status().isOk()).andExpect(header().doesNotExist("RateLimit"));
			}
		}

	}

	@Nested
	@TestPropertySource(properties = "tenantlimit.fail-mode=closed")
	class Closed {

		@Test
		void refusesWith503AndRetryAfter() throws Exception {
			request().andExpect(status().isServiceUnavailable())
				.andExpect(header().string("Retry-After", "1"))
				.andExpect(jsonPath("$.type", endsWith("/limiter-unavailable")));
		}

	}

	@Nested
	@TestPropertySource(properties = { "tenantlimit.dry-run=true", "spring.data.redis.port=${tenantlimit.test.redis.port:6379}" })
	class DryRun {

		@Test
		void neverRefusesButReportsTheExhaustedQuota() throws Exception {
			for (int i = 0; i < 3; i++) {
				request().andExpect(status().isOk());
			}
			double before = dryRunDenied();
			request().andExpect(status().isOk())
				.andExpect(header().string("RateLimit", "\"per-minute\";r=0;t=60"))
				.andExpect(header().exists("Retry-After"));
			assertThat(dryRunDenied() - before).isOne();
		}

	}

}
