package dev.tenantlimit.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What an anonymous caller is counted under: never a text the client chose. */
class ClientAddressesTests {

	@Test
	void ipv4IsCountedPerAddress() {
		assertThat(ClientAddresses.counted("127.0.0.2")).isEqualTo("127.0.0.2");
		assertThat(ClientAddresses.counted("::ffff:10.0.0.1")).isEqualTo("10.0.0.1");
	}

	@Test
	void ipv6IsCountedPerSlash64WhateverItsSpelling() {
		String one = ClientAddresses.counted("2001:db8:0:1:aaaa::1");
		assertThat(one).isEqualTo("2001:db8:0:1::/64");
		assertThat(ClientAddresses.counted("2001:0db8:0000:0001:ffff:ffff:ffff:ffff")).isEqualTo(one);
		assertThat(ClientAddresses.counted("[2001:db8:0:1::42]")).isEqualTo(one);
		assertThat(ClientAddresses.counted("2001:db8:0:2::1")).isNotEqualTo(one);
	}

	@Test
	void anythingButAnIpLiteralIsOneSharedCount() {
		assertThat(ClientAddresses.counted(null)).isEqualTo("unknown");
		assertThat(ClientAddresses.counted("")).isEqualTo("unknown");
		assertThat(ClientAddresses.counted("evil.example.com")).isEqualTo("unknown");
		assertThat(ClientAddresses.counted("random-" + System.nanoTime())).isEqualTo("unknown");
		assertThat(ClientAddresses.counted("1.2.3.4, 5.6.7.8")).isEqualTo("unknown");
		assertThat(ClientAddresses.counted("dead")).isEqualTo("unknown");
	}

}
