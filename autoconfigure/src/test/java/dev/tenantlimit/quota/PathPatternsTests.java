package dev.tenantlimit.quota;

import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** What quota path patterns may be, and matching that never fails a request. */
class PathPatternsTests {

	@ParameterizedTest
	@ValueSource(strings = { "/**", "/api/**", "/api/*/notes", "/api/{id}/notes/**", "/v1/items:batchGet", "/a?c",
			"/api/*.json", "/", "/api/" })
	void antStylePatternsMayBeStored(String pattern) {
		assertThat(PathPatterns.problem(pattern)).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/{x:[}", "/{x:\\Q}/**", "/api/{x:(.*a){12}}", "/api/{x", "/api/x}", "/api/*a*a*a*",
			"/api/\u0000", "/api/caf\u00e9", "api/**", "", "/api/%2F", "/api/ x", "/api//x", "/api/./x", "/api/..",
			"/api;v=1/x" })
	void patternsTheMatcherCannotUseOrThatCanExplodeAreRefused(String pattern) {
		assertThat(PathPatterns.problem(pattern)).isNotNull();
	}

	@Test
	void aPatternStoredBeforeTheseRulesThatCannotBeMatchedAppliesToEveryPath() {
		// AntPathMatcher compiles {x:[} to an invalid regular expression
		assertThat(PathPatterns.matches("/api/{x:[}", "/api/anything")).isTrue();
		assertThat(new Quota(null, 5, Duration.ofMinutes(1), "/api/{x:[}", Set.of()).matches("GET", "/api/x")).isTrue();
		assertThat(PathPatterns.matches("/api/{x:(.*a){12}}", "/api/" + "a".repeat(40) + "b")).isTrue();
	}

	@Test
	void headIsCountedAsAGet() {
		Quota gets = new Quota(null, 5, Duration.ofMinutes(1), "/api/**", Set.of("GET"));
		assertThat(gets.matches("HEAD", "/api/notes")).isTrue();
		assertThat(gets.matches("OPTIONS", "/api/notes")).isFalse();
		assertThat(new Quota(null, 5, Duration.ofMinutes(1), "/api/**", Set.of("HEAD")).matches("GET", "/api/notes"))
			.isFalse();
	}

	@Test
	void counterKeysAreUnambiguous() {
		Quota getsOnApi = new Quota(null, 5, Duration.ofMinutes(1), "/api/**", Set.of("GET"));
		Quota pathWithColon = new Quota(null, 5, Duration.ofMinutes(1), "/api/**:GET", Set.of());
		assertThat(getsOnApi.counterKey()).isNotEqualTo(pathWithColon.counterKey());
		assertThat(getsOnApi.counterKey()).isEqualTo("w60000:/api/**:GET");
		assertThat(pathWithColon.counterKey()).isEqualTo("w60000:/api/**%3AGET");
	}

}
