package dev.tenantlimit.web;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

class RequestIdsTests {

	@Test
	void keepsASafeIdFromTheCaller() {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.addHeader(RequestIds.HEADER, "gw-1234.abc_DEF");
		assertThat(RequestIds.of(request)).isEqualTo("gw-1234.abc_DEF");
	}

	@Test
	void replacesMissingOrUnsafeIds() {
		MockHttpServletRequest injected = new MockHttpServletRequest();
		injected.addHeader(RequestIds.HEADER, "x\n2026-01-01 ERROR forged log line");
		String replaced = RequestIds.of(injected);
		assertThat(replaced).matches("[0-9a-f]{16}").doesNotContain("forged");
		MockHttpServletRequest tooLong = new MockHttpServletRequest();
		tooLong.addHeader(RequestIds.HEADER, "a".repeat(65));
		assertThat(RequestIds.of(tooLong)).hasSize(16);
		assertThat(RequestIds.of(new MockHttpServletRequest())).isNotEqualTo(RequestIds.of(new MockHttpServletRequest()));
	}

}
