package dev.tenantlimit.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Base64;

import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.ByteArrayResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Which key verifies which token when the secret, the public key or both are configured. */
class TenantLimitJwtConfigurationTests {

	private static final String SECRET = "jwt-configuration-test-secret-0123456789";

	private final KeyPair rsa = Jwts.SIG.RS256.keyPair().build();

	@Test
	void bothKeysConfiguredVerifyTheirOwnAlgorithms() {
		JwtParser parser = TenantLimitJwtConfiguration.parser(jwt(true, true));
		assertThat(parser.parseSignedClaims(hmacToken(SECRET.getBytes(StandardCharsets.UTF_8))).getPayload()
			.get("tenant_id")).isEqualTo("acme");
		assertThat(parser.parseSignedClaims(rsaToken()).getPayload().get("tenant_id")).isEqualTo("acme");
	}

	@Test
	void rsaTokenIsRefusedWhenOnlyASecretIsConfigured() {
		JwtParser parser = TenantLimitJwtConfiguration.parser(jwt(true, false));
		assertThatExceptionOfType(JwtException.class).isThrownBy(() -> parser.parseSignedClaims(rsaToken()));
	}

	@Test
	void hmacTokenSignedWithThePublicKeyIsRefused() {
		// algorithm confusion: an attacker who knows the public key uses it as an HMAC secret
		JwtParser parser = TenantLimitJwtConfiguration.parser(jwt(false, true));
		String forged = hmacToken(pem().getBytes(StandardCharsets.UTF_8));
		assertThatExceptionOfType(JwtException.class).isThrownBy(() -> parser.parseSignedClaims(forged));
	}

	private TenantLimitProperties.Jwt jwt(boolean secret, boolean publicKey) {
		TenantLimitProperties.Jwt jwt = new TenantLimitProperties.Jwt();
		if (secret) {
			jwt.setSecret(SECRET);
		}
		if (publicKey) {
			jwt.setPublicKey(new ByteArrayResource(pem().getBytes(StandardCharsets.US_ASCII)));
		}
		return jwt;
	}

	private String pem() {
		return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(this.rsa.getPublic().getEncoded())
				+ "\n-----END PUBLIC KEY-----\n";
	}

	private static String hmacToken(byte[] secret) {
		return Jwts.builder().claim("tenant_id", "acme").expiration(inFiveMinutes()).signWith(Keys.hmacShaKeyFor(secret)).compact();
	}

	private String rsaToken() {
		return Jwts.builder().claim("tenant_id", "acme").expiration(inFiveMinutes()).signWith(this.rsa.getPrivate()).compact();
	}

	private static java.util.Date inFiveMinutes() {
		return java.util.Date.from(java.time.Instant.now().plusSeconds(300));
	}

}
