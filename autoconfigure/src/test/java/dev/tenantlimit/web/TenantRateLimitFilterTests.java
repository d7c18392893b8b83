package dev.tenantlimit.web;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.tenantlimit.limiter.RateLimitDecision;
import dev.tenantlimit.limiter.RateLimiter;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantCache;
import dev.tenantlimit.tenant.TenantStatus;
import dev.tenantlimit.tenant.TenantStore;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The filter's decisions with stand-in stores and limiters; the real ones are in the integration tests. */
class TenantRateLimitFilterTests {

	private static final RateLimiter ALWAYS_ALLOW = (tenantId, quotas) -> new RateLimitDecision(true, List.of(),
			Duration.ZERO);

	@Test
	void failingTenantStoreIsA503NotA500() throws Exception {
		TenantStore broken = new StubStore(() -> {
			throw new IllegalStateException("connection refused");
		});
		MockHttpServletResponse response = run(filter(broken, false), "/api/x", "acme");
		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(response.getHeader("Retry-After")).isEqualTo("1");
		assertThat(response.getContentAsString()).doesNotContain("connection refused");
	}

	@Test
	void anonymousRequestsPassUnlimitedWhenAllowed() throws Exception {
		MockHttpServletResponse response = run(filter(new StubStore(Optional::empty), true), "/api/x", null);
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getHeader("RateLimit")).isNull();
	}

	@Test
	void requestMatchingNoQuotaIsServedWithoutAskingTheLimiter() throws Exception {
		Tenant tenant = new Tenant("acme", "Acme", null, TenantStatus.ACTIVE,
				List.of(new Quota(null, 1, Duration.ofMinutes(1), "/api/writes/**", java.util.Set.of())));
		RateLimiter failing = (tenantId, quotas) -> {
			throw new AssertionError("limiter must not be called");
		};
		TenantRateLimitFilter filter = new TenantRateLimitFilter(List.of((request) -> request.getHeader("X-Tenant")),
				cache(new StubStore(() -> Optional.of(tenant))), failing, settings(false),
				new ProblemResponses(JsonMapper.shared()));
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/reads");
		request.addHeader("X-Tenant", "acme");
		MockFilterChain chain = new MockFilterChain();
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(request, response, chain);
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(chain.getRequest()).isNotNull();
		assertThat(request.getAttribute(TenantContext.REQUEST_ATTRIBUTE)).isEqualTo(tenant);
	}

	private static TenantRateLimitFilter filter(TenantStore store, boolean allowAnonymous) {
		return new TenantRateLimitFilter(List.of((request) -> request.getHeader("X-Tenant")), cache(store),
				ALWAYS_ALLOW, settings(allowAnonymous), new ProblemResponses(JsonMapper.shared()));
	}

	private static TenantRateLimitFilter.Settings settings(boolean allowAnonymous) {
		return new TenantRateLimitFilter.Settings(List.of(), List.of(Quota.of(5, Duration.ofMinutes(1))),
				allowAnonymous, false, false);
	}

	private static TenantCache cache(TenantStore store) {
		return new TenantCache(store, Duration.ofMinutes(1), Duration.ofMinutes(5), 100);
	}

	private static MockHttpServletResponse run(TenantRateLimitFilter filter, String path, String tenant)
			throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
		if (tenant != null) {
			request.addHeader("X-Tenant", tenant);
		}
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(request, response, new MockFilterChain());
		return response;
	}

	private record StubStore(java.util.function.Supplier<Optional<Tenant>> tenants) implements TenantStore {

		@Override
		public Optional<Tenant> findTenant(String tenantId) {
			return this.tenants.get();
		}

		@Override
		public Optional<String> findTenantIdByApiKeyHash(String keyHash) {
			return Optional.empty();
		}

	}

}
