package dev.tenantlimit.security;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

import javax.crypto.Mac;

import dev.tenantlimit.testapp.TestTokens;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** jjwt on Jackson 3, refusing what jjwt's own JSON lets through. */
class JwtJsonTests {

	private static final long IN_AN_HOUR = Instant.now().getEpochSecond() + 3600;

	private final JwtParser parser = Jwts.parser().json(JwtJson.deserializer()).verifyWith(TestTokens.KEY).build();

	@Test
	void readsWhatItWrites() {
		String token = Jwts.builder().json(JwtJson.serializer()).claim("tenant_id", "acme")
			.expiration(Date.from(Instant.now().plusSeconds(60))).signWith(TestTokens.KEY).compact();
		assertThat(this.parser.parseSignedClaims(token).getPayload().get("tenant_id")).isEqualTo("acme");
		assertThat(this.parser.parseSignedClaims(signed("{\"tenant_id\":\"acme\",\"exp\":" + IN_AN_HOUR + "}"))
			.getPayload()
			.getExpiration()).isNotNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"exp\":\"4102444800\"", "\"exp\":1e30", "\"exp\":true", "\"exp\":[1]", "\"nbf\":\"0\"",
			"\"iat\":-5", "\"exp\":253402300800" })
	void timeClaimsMustBeNumbersOfSeconds(String claim) {
		// jjwt takes a payload its JSON refuses for content, which parseSignedClaims refuses
		assertThatExceptionOfType(JwtException.class)
			.isThrownBy(() -> this.parser.parseSignedClaims(signed("{\"tenant_id\":\"acme\"," + claim + "}")));
	}

	@Test
	void aClaimNamedTwiceIsRefused() {
		String twice = signed("{\"tenant_id\":\"acme\",\"tenant_id\":\"admin\",\"exp\":" + IN_AN_HOUR + "}");
		assertThatExceptionOfType(JwtException.class).isThrownBy(() -> this.parser.parseSignedClaims(twice));
	}

	/** An HS256 token of exactly this payload, duplicates and all. */
	private static String signed(String payload) {
		try {
			Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
			String content = base64.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
					+ base64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(TestTokens.KEY);
			return content + "." + base64.encodeToString(mac.doFinal(content.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
