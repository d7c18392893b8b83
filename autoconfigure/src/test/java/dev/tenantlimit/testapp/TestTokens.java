package dev.tenantlimit.testapp;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

import javax.crypto.SecretKey;

import dev.tenantlimit.security.JwtJson;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;

/** Signed tokens for the test application's {@code tenantlimit.jwt.secret}. */
public final class TestTokens {

	public static final String SECRET = "integration-test-secret-0123456789abcdef";

	public static final SecretKey KEY = Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8));

	/** The admin chain's own key (tenantlimit.admin.jwt.secret). */
	public static final String ADMIN_SECRET = "integration-test-admin-secret-fedcba9876543210";

	public static final SecretKey ADMIN_KEY = Keys.hmacShaKeyFor(ADMIN_SECRET.getBytes(StandardCharsets.UTF_8));

	private TestTokens() {
	}

	/** A token for the tenant, valid for five minutes. */
	public static String forTenant(String tenantId) {
		return forTenant(tenantId, Map.of());
	}

	/** A token for the tenant with more claims, valid for five minutes. */
	public static String forTenant(String tenantId, Map<String, ?> claims) {
		return Jwts.builder()
			.json(JwtJson.serializer())
			.claims(claims)
			.claim("tenant_id", tenantId)
			.expiration(Date.from(Instant.now().plus(Duration.ofMinutes(5))))
			.signWith(KEY)
			.compact();
	}

}
