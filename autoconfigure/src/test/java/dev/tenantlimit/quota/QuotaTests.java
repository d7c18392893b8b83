package dev.tenantlimit.quota;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class QuotaTests {

	@Test
	void aQuotaCountedPerClientHasACounterForEachValueApartFromTheTenantsOwn() {
		Quota perIp = Quota.of(10, Duration.ofMinutes(1)).withPer(List.of("client-ip"));
		Quota perApp = Quota.of(10, Duration.ofMinutes(1)).withPer(List.of("claim:client_id"));
		String a = CounterDimensions.key(List.of("10.0.0.1"));
		String b = CounterDimensions.key(List.of("10.0.0.2"));
		assertThat(a).hasSize(22).isNotEqualTo(b);
		assertThat(perIp.forValues(a).counterKey()).isEqualTo("w60000:=client-ip=" + a);
		assertThat(perApp.forValues(a).counterKey()).isEqualTo("w60000:=claim%3Aclient_id=" + a);
		assertThat(Set.of(Quota.of(10, Duration.ofMinutes(1)).counterKey(), perIp.forValues(a).counterKey(),
				perIp.forValues(b).counterKey(), perApp.forValues(a).counterKey())).hasSize(4);
		// values are told apart by their lengths, not only their concatenation
		assertThat(CounterDimensions.key(List.of("a", "bc"))).isNotEqualTo(CounterDimensions.key(List.of("ab", "c")));
		// the limit, the cost and the rest carry over; the values are of one request
		assertThat(perIp.forValues(a).sameRule(perIp.forValues(b))).isFalse();
		assertThat(perIp.withCost(2).forValues(a).cost()).isEqualTo(2);
	}

	@Test
	void perNamesKnownDimensionsOnly() {
		Quota quota = Quota.of(10, Duration.ofMinutes(1));
		assertThat(quota.withPer(List.of("client-ip", "path", "header:X-App", "claim:sub")).per()).hasSize(4);
		assertThatIllegalArgumentException().isThrownBy(() -> quota.withPer(List.of("cookie:x")));
		assertThatIllegalArgumentException().isThrownBy(() -> quota.withPer(List.of("header:")));
		assertThatIllegalArgumentException().isThrownBy(() -> quota.withPer(List.of("header:a b")));
		assertThatIllegalArgumentException().isThrownBy(() -> quota.withPer(List.of("path", "path")));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> quota.withPer(List.of("path", "client-ip", "header:a", "header:b", "header:c")));
	}

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
	void aSlidingLogHoldsAtMostItsCapOfEntries() {
		// one entry per unit: a larger log would let one call write (and Redis keep) without bound
		assertThat(Quota.of(Quota.MAX_LOG_LIMIT, Duration.ofMinutes(1)).withAlgorithm(Algorithm.SLIDING_LOG, 0).limit())
			.isEqualTo(100_000);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Quota.of(Quota.MAX_LOG_LIMIT + 1, Duration.ofMinutes(1)).withAlgorithm(Algorithm.SLIDING_LOG, 0))
			.withMessageContaining("sliding-log");
		assertThat(Quota.of(10_000_000, Duration.ofMinutes(1)).withAlgorithm(Algorithm.SLIDING_COUNTER, 0).limit())
			.isEqualTo(10_000_000);
		assertThatIllegalArgumentException().isThrownBy(() -> new AlgorithmSettings(Quota.MAX_LOG_LIMIT + 1, 10));
	}

	@Test
	void aChargedQuotaHasACounterOfItsOwn() {
		Quota requests = Quota.of(10, Duration.ofMinutes(1));
		assertThat(requests.withCharged(true).counterKey()).isEqualTo("w60000:$").isNotEqualTo(requests.counterKey());
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
