package dev.tenantlimit.quota;

import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class QuotaTests {

	@Test
	void quotaWithoutPathOrMethodsMatchesEveryRequest() {
		Quota quota = Quota.of(10, Duration.ofMinutes(1));
		assertThat(quota.matches("GET", "/")).isTrue();
		assertThat(quota.matches("DELETE", "/api/notes/1")).isTrue();
	}

	@Test
	void pathAndMethodsNarrowWhatIsCounted() {
		Quota quota = new Quota(null, 10, Duration.ofMinutes(1), "/api/notes/**", Set.of("post", " Put"));
		assertThat(quota.methods()).containsExactly("POST", "PUT");
		assertThat(quota.matches("POST", "/api/notes")).isTrue();
		assertThat(quota.matches("PUT", "/api/notes/7")).isTrue();
		assertThat(quota.matches("GET", "/api/notes/7")).isFalse();
		assertThat(quota.matches("POST", "/api/other")).isFalse();
	}

	@Test
	void invalidQuotasAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> Quota.of(0, Duration.ofMinutes(1)))
			.withMessageContaining("limit");
		assertThatIllegalArgumentException().isThrownBy(() -> Quota.of(1, Duration.ofMillis(999)))
			.withMessageContaining("window");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Quota(null, 1, Duration.ofMinutes(1), "api/**", Set.of()))
			.withMessageContaining("path");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Quota(null, 1, Duration.ofMinutes(1), "/**", Set.of("FETCH")))
			.withMessageContaining("FETCH");
	}

	@Test
	void counterKeyDependsOnWhatIsCountedNotOnLimitOrId() {
		Quota stored = new Quota(7L, 100, Duration.ofMinutes(1), "/**", Set.of());
		Quota lowered = new Quota(8L, 5, Duration.ofMinutes(1), "/**", Set.of());
		assertThat(stored.counterKey()).isEqualTo("w60000").isEqualTo(lowered.counterKey());
		assertThat(new Quota(null, 1, Duration.ofSeconds(10), "/api/**", Set.of("POST", "GET")).counterKey())
			.isEqualTo("w10000:/api/**:GET,POST");
	}

	@Test
	void policyNameComesFromTheWindow() {
		assertThat(Quota.of(1, Duration.ofSeconds(1)).policyName()).isEqualTo("per-second");
		assertThat(Quota.of(1, Duration.ofMinutes(1)).policyName()).isEqualTo("per-minute");
		assertThat(Quota.of(1, Duration.ofHours(1)).policyName()).isEqualTo("per-hour");
		assertThat(Quota.of(1, Duration.ofDays(1)).policyName()).isEqualTo("per-day");
		assertThat(Quota.of(1, Duration.ofSeconds(90)).policyName()).isEqualTo("per-90s");
	}

}
