package dev.tenantlimit.autoconfigure;

import dev.tenantlimit.testapp.TestApplication;
import dev.tenantlimit.testapp.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/** A JWT key that cannot verify tokens fails start-up with a report that never shows it. */
@ExtendWith(OutputCaptureExtension.class)
class JwtKeyFailureReportTests {

	@Test
	void aWeakSecretIsNamedNotPrinted(CapturedOutput output) {
		System.setProperty("tenantlimit.jwt.secret", "weak-secret-set-twice");
		try {
			assertThatException().isThrownBy(() -> new SpringApplicationBuilder(TestApplication.class)
				.properties("spring.main.banner-mode=off", "server.port=0", "spring.datasource.url=" + TestDatabases.h2Url(),
						"tenantlimit.jwt.secret=0123456789")
				.run());
		}
		finally {
			System.clearProperty("tenantlimit.jwt.secret");
		}
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("tenantlimit.jwt.secret: an HMAC secret must be at least 32 bytes")
			.contains("openssl rand -base64 48")
			.doesNotContain("0123456789")
			.doesNotContain("weak-secret-set-twice");
	}

}
