package dev.tenantlimit.security;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

import javax.crypto.SecretKey;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class JwtTenantResolverTests {

	private static final SecretKey KEY = Keys
		.hmacShaKeyFor("a-test-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8));

	private final JwtTenantResolver resolver = new JwtTenantResolver(
			Jwts.parser().verifyWith(KEY).clockSkewSeconds(30).requireIssuer("https://issuer").build(), "tenant_id");

	@Test
	void validTokenNamesTheTenant() {
		assertThat(resolve(valid().compact())).isEqualTo("acme");
	}

	@Test
	void requestWithoutBearerTokenIsLeftToOtherResolvers() {
		assertThat(this.resolver.resolveTenantId(new MockHttpServletRequest())).isNull();
		MockHttpServletRequest basic = new MockHttpServletRequest();
		basic.addHeader("Authorization", "Basic dXNlcjpwYXNz");
		assertThat(this.resolver.resolveTenantId(basic)).isNull();
	}

	@Test
	void expiredTokenIsRefused() {
		Instant past = Instant.now().minus(Duration.ofMinutes(5));
		assertRefused(valid().expiration(Date.from(past)).compact(), "expired");
	}

	@Test
	void expiryWithinClockSkewIsAccepted() {
		Instant justNow = Instant.now().minus(Duration.ofSeconds(10));
		assertThat(resolve(valid().expiration(Date.from(justNow)).compact())).isEqualTo("acme");
	}

	@Test
	void tokenNotYetValidIsRefused() {
		Instant future = Instant.now().plus(Duration.ofMinutes(5));
		assertRefused(valid().notBefore(Date.from(future)).compact(), "not valid yet");
	}

	@Test
	void unsignedTokenIsRefused() {
		String header = base64("{\"alg\":\"none\"}");
		String payload = base64("{\"tenant_id\":\"acme\",\"iss\":\"https://issuer\"}");
		assertRefused(header + "." + payload + ".", "unsigned");
	}

	@Test
	void tokenSignedWithAnotherKeyIsRefused() {
		SecretKey other = Keys.hmacShaKeyFor("another-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8));
		assertRefused(valid().signWith(other).compact(), "signature");
	}

	@Test
	void tamperedPayloadIsRefused() {
		String[] parts = valid().compact().split("\\.");
		String forged = parts[0] + "." + base64("{\"tenant_id\":\"victim\",\"iss\":\"https://issuer\"}") + "."
				+ parts[2];
		assertRefused(forged, "signature");
	}

	@Test
	void malformedTokenIsRefused() {
		assertRefused("not-a-jwt", "malformed");
		assertRefused("", "empty");
	}

	@Test
	void tokenWithoutTenantClaimIsRefused() {
		assertRefused(Jwts.builder().issuer("https://issuer").subject("x").expiration(inFiveMinutes()).signWith(KEY).compact(),
				"tenant_id");
	}

	@Test
	void tokenWithNonStringTenantClaimIsRefused() {
		assertRefused(Jwts.builder().issuer("https://issuer").claim("tenant_id", 42).expiration(inFiveMinutes())
			.signWith(KEY).compact(), "tenant_id");
	}

	@Test
	void tokenThatNeverExpiresIsRefusedUnlessExpiryIsNotRequired() {
		String forever = Jwts.builder().issuer("https://issuer").claim("tenant_id", "acme").signWith(KEY).compact();
		assertRefused(forever, "'exp'");
		JwtTenantResolver lenient = new JwtTenantResolver(Jwts.parser().verifyWith(KEY).build(), "tenant_id",
				new JwtLifetimePolicy(false, null, Duration.ZERO));
		assertThat(lenient.resolveTenantId(bearer(forever))).isEqualTo("acme");
	}

	@Test
	void tokenLivingLongerThanTheMaximumIsRefused() {
		JwtTenantResolver capped = new JwtTenantResolver(Jwts.parser().verifyWith(KEY).build(), "tenant_id",
				new JwtLifetimePolicy(true, Duration.ofHours(1), Duration.ofSeconds(30)));
		String aYear = Jwts.builder().claim("tenant_id", "acme")
			.expiration(Date.from(Instant.now().plus(Duration.ofDays(365)))).signWith(KEY).compact();
		assertThatExceptionOfType(InvalidCredentialsException.class).isThrownBy(() -> capped.resolveTenantId(bearer(aYear)))
			.withMessageContaining("'exp'");
		String numericString = Jwts.builder().claim("tenant_id", "acme").claim("exp", "99999999999").signWith(KEY).compact();
		assertThatExceptionOfType(InvalidCredentialsException.class)
			.isThrownBy(() -> capped.resolveTenantId(bearer(numericString)));
		assertThat(capped.resolveTenantId(bearer(valid().issuer(null).compact()))).isEqualTo("acme");
	}

	@Test
	void aVerifiedTokenIsNotVerifiedAgainUntilItExpires() throws Exception {
		java.util.concurrent.atomic.AtomicInteger parses = new java.util.concurrent.atomic.AtomicInteger();
		io.jsonwebtoken.JwtParser real = Jwts.parser().verifyWith(KEY).build();
		io.jsonwebtoken.JwtParser counting = (io.jsonwebtoken.JwtParser) java.lang.reflect.Proxy.newProxyInstance(
				getClass().getClassLoader(), new Class<?>[] { io.jsonwebtoken.JwtParser.class }, (proxy, method, args) -> {
					if (method.getName().equals("parseSignedClaims")) {
						parses.incrementAndGet();
					}
					try {
						return method.invoke(real, args);
					}
					catch (java.lang.reflect.InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
		JwtTenantResolver cached = new JwtTenantResolver(counting, "tenant_id",
				new JwtLifetimePolicy(true, null, Duration.ZERO), null, 100);
		String token = valid().issuer(null).compact();
		for (int i = 0; i < 5; i++) {
			assertThat(cached.resolveTenantId(bearer(token))).isEqualTo("acme");
		}
		assertThat(parses).as("verified once").hasValue(1);

		String shortLived = Jwts.builder().claim("tenant_id", "acme")
			.expiration(Date.from(Instant.now().plusMillis(1500))).signWith(KEY).compact();
		assertThat(cached.resolveTenantId(bearer(shortLived))).isEqualTo("acme");
		Thread.sleep(2000);
		assertThatExceptionOfType(InvalidCredentialsException.class)
			.isThrownBy(() -> cached.resolveTenantId(bearer(shortLived)))
			.withMessageContaining("expired");
		assertThatExceptionOfType(InvalidCredentialsException.class)
			.as("a token that fails is never cached")
			.isThrownBy(() -> cached.resolveTenantId(bearer(token + "x")));
	}

	@Test
	void anExchangeClaimThatIsNoKeyHashIsRefusedRatherThanIgnored() {
		String token = Jwts.builder().issuer("https://issuer").claim("tenant_id", "acme").claim("tl_key", 42)
			.expiration(inFiveMinutes()).signWith(KEY).compact();
		assertRefused(token, "tl_key");
	}

	private static Date inFiveMinutes() {
		return Date.from(Instant.now().plus(Duration.ofMinutes(5)));
	}

	@Test
	void tokenFromAnotherIssuerIsRefused() {
		assertRefused(valid().issuer("https://evil").compact(), "'iss'");
	}

	@Test
	void rsaTokenIsVerifiedWithThePublicKey() {
		KeyPair pair = Jwts.SIG.RS256.keyPair().build();
		JwtTenantResolver rsa = new JwtTenantResolver(Jwts.parser().verifyWith(pair.getPublic()).build(), "tenant_id");
		MockHttpServletRequest request = bearer(Jwts.builder().claim("tenant_id", "acme").expiration(inFiveMinutes())
			.signWith(pair.getPrivate())
			.compact());
		assertThat(rsa.resolveTenantId(request)).isEqualTo("acme");
		MockHttpServletRequest hmac = bearer(valid().compact());
		assertThatExceptionOfType(InvalidCredentialsException.class).isThrownBy(() -> rsa.resolveTenantId(hmac));
	}

	private io.jsonwebtoken.JwtBuilder valid() {
		return Jwts.builder()
			.issuer("https://issuer")
			.claim("tenant_id", "acme")
			.expiration(Date.from(Instant.now().plus(Duration.ofMinutes(5))))
			.signWith(KEY);
	}

	private String resolve(String token) {
		return this.resolver.resolveTenantId(bearer(token));
	}

	private void assertRefused(String token, String messagePart) {
		assertThatExceptionOfType(InvalidCredentialsException.class).isThrownBy(() -> resolve(token))
			.withMessageContaining(messagePart)
			.satisfies((ex) -> assertThat(ex.getChallenge()).contains("invalid_token"));
	}

	private static MockHttpServletRequest bearer(String token) {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.addHeader("Authorization", "Bearer " + token);
		return request;
	}

	private static String base64(String json) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

}
