package dev.tenantlimit.web;

import java.time.Duration;
import java.util.List;

import dev.tenantlimit.limiter.QuotaUsage;
import dev.tenantlimit.limiter.RateLimitDecision;
import dev.tenantlimit.quota.Quota;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitHeadersTests {

	private final Quota perMinute = Quota.of(100, Duration.ofMinutes(1));

	private final Quota perDay = Quota.of(1000, Duration.ofDays(1));

	@Test
	void allowedRequestGetsEveryPolicyAndTheQuotaClosestToItsLimit() {
		RateLimitDecision decision = new RateLimitDecision(true,
				List.of(new QuotaUsage(this.perMinute, 58, Duration.ofMillis(16_200), false),
						new QuotaUsage(this.perDay, 990, Duration.ofHours(3), false)),
				Duration.ZERO);
		MockHttpServletResponse response = new MockHttpServletResponse();
		new RateLimitHeaders(false).write(response, decision);
		assertThat(response.getHeader("RateLimit-Policy"))
			.isEqualTo("\"per-minute\";q=100;w=60, \"per-day\";q=1000;w=86400");
		assertThat(response.getHeader("RateLimit")).isEqualTo("\"per-day\";r=10;t=10800");
		assertThat(response.getHeader("Retry-After")).isNull();
		assertThat(response.getHeader("X-RateLimit-Limit")).isNull();
	}

	@Test
	void oneWriterGivesEachDecisionThePolicyOfItsOwnQuotas() {
		RateLimitHeaders headers = new RateLimitHeaders(false);
		QuotaUsage minute = new QuotaUsage(this.perMinute, 1, Duration.ofSeconds(1), false);
		QuotaUsage day = new QuotaUsage(this.perDay, 1, Duration.ofSeconds(1), false);
		String both = "\"per-minute\";q=100;w=60, \"per-day\";q=1000;w=86400";
		assertThat(policy(headers, minute, day)).isEqualTo(both);
		assertThat(policy(headers, minute, day)).isEqualTo(both);
		assertThat(policy(headers, day, minute)).isEqualTo("\"per-day\";q=1000;w=86400, \"per-minute\";q=100;w=60");
		assertThat(policy(headers, minute)).isEqualTo("\"per-minute\";q=100;w=60");
		// an equal quota of another instance (a reload) gets its own header, the same text
		QuotaUsage reloaded = new QuotaUsage(Quota.of(100, Duration.ofMinutes(1)), 1, Duration.ofSeconds(1), false);
		assertThat(policy(headers, reloaded)).isEqualTo("\"per-minute\";q=100;w=60");
		assertThat(policy(headers, new QuotaUsage(Quota.of(5, Duration.ofMinutes(1)), 1, Duration.ZERO, false)))
			.isEqualTo("\"per-minute\";q=5;w=60");
	}

	private static String policy(RateLimitHeaders headers, QuotaUsage... usages) {
		MockHttpServletResponse response = new MockHttpServletResponse();
		headers.write(response, new RateLimitDecision(true, List.of(usages), Duration.ZERO));
		return response.getHeader("RateLimit-Policy");
	}

	@Test
	void refusedRequestShowsTheViolatedPolicyAndRetryAfter() {
		RateLimitDecision decision = new RateLimitDecision(false,
				List.of(new QuotaUsage(this.perMinute, 100, Duration.ofMillis(59_001), true),
						new QuotaUsage(this.perDay, 3, Duration.ofHours(3), false)),
				Duration.ofMillis(12_300));
		MockHttpServletResponse response = new MockHttpServletResponse();
		new RateLimitHeaders(true).write(response, decision);
		assertThat(response.getHeader("RateLimit")).isEqualTo("\"per-minute\";r=0;t=60");
		assertThat(response.getHeader("Retry-After")).isEqualTo("13");
		assertThat(response.getHeader("X-RateLimit-Limit")).isEqualTo("100");
		assertThat(response.getHeader("X-RateLimit-Remaining")).isEqualTo("0");
		assertThat(response.getHeader("X-RateLimit-Reset")).isEqualTo("60");
	}

	@Test
	void decisionWithoutCountedQuotasWritesNoHeaders() {
		MockHttpServletResponse response = new MockHttpServletResponse();
		new RateLimitHeaders(true).write(response, new RateLimitDecision(true, List.of(), Duration.ZERO));
		assertThat(response.getHeaderNames()).isEmpty();
	}

	@Test
	void repeatedPolicyNamesAreNumbered() {
		Quota writes = new Quota(null, 10, Duration.ofMinutes(1), "/api/**", java.util.Set.of("POST"));
		List<QuotaUsage> usages = List.of(new QuotaUsage(this.perMinute, 1, Duration.ZERO, false),
				new QuotaUsage(writes, 1, Duration.ZERO, false), new QuotaUsage(this.perDay, 1, Duration.ZERO, false));
		assertThat(RateLimitHeaders.policyNames(usages)).containsExactly("per-minute", "per-minute-2", "per-day");
	}

	@Test
	void secondsRoundUpAndRetryAfterIsAtLeastOne() {
		assertThat(RateLimitHeaders.seconds(Duration.ofMillis(1))).isEqualTo(1);
		assertThat(RateLimitHeaders.seconds(Duration.ofMillis(1000))).isEqualTo(1);
		assertThat(RateLimitHeaders.seconds(Duration.ofMillis(1001))).isEqualTo(2);
		assertThat(RateLimitHeaders.seconds(Duration.ZERO)).isZero();
		assertThat(RateLimitHeaders.retryAfterSeconds(Duration.ZERO)).isEqualTo(1);
		assertThat(RateLimitHeaders.retryAfterSeconds(Duration.ofMillis(2500))).isEqualTo(3);
	}

	@Test
	void remainingNeverGoesNegativeWhenALimitWasLowered() {
		QuotaUsage usage = new QuotaUsage(Quota.of(2, Duration.ofMinutes(1)), 5, Duration.ofSeconds(30), true);
		assertThat(usage.remaining()).isZero();
		assertThat(RateLimitHeaders.rateLimit(usage, "per-minute")).isEqualTo("\"per-minute\";r=0;t=30");
	}

}
