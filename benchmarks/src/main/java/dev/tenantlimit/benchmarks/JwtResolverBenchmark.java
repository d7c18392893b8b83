package dev.tenantlimit.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.TimeUnit;

import javax.crypto.SecretKey;

import dev.tenantlimit.security.JwtJson;
import dev.tenantlimit.security.JwtLifetimePolicy;
import dev.tenantlimit.security.JwtTenantResolver;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.mock.web.MockHttpServletRequest;

/**
 * The tenant of one hot tenant's bearer token, side by side: verified on every request
 * ({@code cache=0}) and remembered once verified ({@code cache=10000}, the default). Average time
 * per resolution, one caller.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JwtResolverBenchmark {

	@Param({ "0", "10000" })
	public long cache;

	private JwtTenantResolver resolver;

	private MockHttpServletRequest request;

	@Setup
	public void setUp() {
		SecretKey key = Keys.hmacShaKeyFor("benchmark-secret-0123456789abcdefghij".getBytes(StandardCharsets.UTF_8));
		this.resolver = new JwtTenantResolver(Jwts.parser().json(JwtJson.deserializer()).verifyWith(key).build(),
				"tenant_id", new JwtLifetimePolicy(true, null, Duration.ofSeconds(30)), null, this.cache);
		String token = Jwts.builder()
			.json(JwtJson.serializer())
			.claim("tenant_id", "acme")
			.subject("client-42")
			.issuedAt(new Date())
			.expiration(Date.from(Instant.now().plus(Duration.ofHours(1))))
			.signWith(key)
			.compact();
		this.request = new MockHttpServletRequest("GET", "/api/ping");
		this.request.addHeader("Authorization", "Bearer " + token);
	}

	@Benchmark
	public String resolve() {
		return this.resolver.resolveTenantId(this.request);
	}

}
