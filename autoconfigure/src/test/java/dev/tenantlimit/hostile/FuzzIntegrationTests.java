package dev.tenantlimit.hostile;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import dev.tenantlimit.testapp.TestApplication;
import dev.tenantlimit.testapp.TestDatabases;
import dev.tenantlimit.testapp.TestTokens;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random input, over real HTTP: admin request bodies made by mutating valid ones (wrong
 * types, unknown and duplicate fields, huge and odd numbers, odd text, truncation) never get a
 * 5xx, and a refused one leaves what is stored as it was; request-path headers and paths of random
 * bytes (sent over a raw socket, so nothing cleans them first) never get a 5xx. A failure prints
 * its seed and input, so it can be replayed.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tenantlimit.jwt.secret=" + TestTokens.SECRET, "tenantlimit.admin.jwt.secret=" + TestTokens.ADMIN_SECRET,
				"tenantlimit.admin.jwt.max-lifetime=1h", "tenantlimit.admin.max-failed-logins=1000000",
				"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=${tenantlimit.test.redis.port:6379}" })
class FuzzIntegrationTests {

	private static final int CASES = Integer.getInteger("fuzz.cases", 150);

	/** An admin token, not a password: HTTP Basic costs a BCrypt check (~80 ms here) a request. */
	private static final String ADMIN = "Bearer " + io.jsonwebtoken.Jwts.builder()
		.subject("fuzz")
		.claim("roles", List.of("TENANTLIMIT_ADMIN"))
		.expiration(java.util.Date.from(java.time.Instant.now().plusSeconds(3000)))
		.signWith(TestTokens.ADMIN_KEY)
		.compact();

	private static final String[] FIELDS = { "limit", "window", "path", "methods", "shadow", "algorithm", "burst",
			"shards", "metods", "", "id", "name", "plan", "status", "__proto__" };

	private static final String[] ODD_VALUES = { "null", "true", "false", "0", "-1", "1.5", "1e30", "-0",
			"9223372036854775807", "9223372036854775808", "\"\"", "\"10\"", "\"1M\"", "\"1m\"", "\"PT1H\"", "\"P1000000D\"",
			"[]", "{}", "[\"GET\",null]", "[\"get\"]", "[\"FOO\"]", "\"/api/{x:[}\"", "\"/**\"", "\"/api/**\"",
			"\"\\u0000\"", "\"\\ud800\"", "\"caf\\u00e9\"", "\"token-bucket\"", "\"auto\"", "\"SUSPENDED\"", "\"x\"",
			"65", "64", "\"" + "a".repeat(300) + "\"", "[[[[[[[[[[]]]]]]]]]]" };

	@DynamicPropertySource
	static void isolate(DynamicPropertyRegistry registry) {
		TestDatabases.isolate(registry);
	}

	@LocalServerPort
	private int port;

	private final HttpClient http = HttpClient.newHttpClient();

	private String id;

	@BeforeEach
	void createTenant() throws Exception {
		this.id = "f-" + UUID.randomUUID().toString().substring(0, 8);
		assertThat(admin("POST", "/admin/tenants", "{\"id\":\"" + this.id + "\",\"name\":\"Fuzz\"}").statusCode())
			.isEqualTo(201);
		assertThat(admin("PUT", "/admin/tenants/" + this.id + "/quotas", "[{\"limit\":5,\"window\":\"1m\"}]")
			.statusCode()).isEqualTo(200);
	}

	@ParameterizedTest
	@ValueSource(longs = { 1, 2, 3 })
	void adminBodiesNeverGetA5xxAndRefusalsChangeNothing(long seed) throws Exception {
		Random random = new Random(seed);
		for (int i = 0; i < CASES; i++) {
			String before = state();
			String body = mutate(random);
			String[] target = target(random);
			HttpResponse<String> response = admin(target[0], target[1], body);
			String replay = "seed " + seed + " case " + i + ": " + target[0] + " " + target[1] + " " + body;
			assertThat(response.statusCode()).as(replay + " -> " + response.body()).isLessThan(500);
			if (response.statusCode() >= 400) {
				assertThat(response.headers().firstValue("Content-Type")).as(replay).hasValue("application/problem+json");
				assertThat(state()).as("refused, so nothing changed: " + replay).isEqualTo(before);
			}
			else if (!target[0].equals("POST") || !target[1].endsWith("api-keys")) {
				// a valid body stored something: put the tenant back as it was for the next case
				admin("PUT", "/admin/tenants/" + this.id + "/quotas", "[{\"limit\":5,\"window\":\"1m\"}]");
				admin("PATCH", "/admin/tenants/" + this.id, "{\"name\":\"Fuzz\",\"status\":\"ACTIVE\",\"plan\":\"\"}");
			}
		}
	}

	@ParameterizedTest
	@ValueSource(longs = { 1, 2, 3 })
	void requestPathHeadersAndPathsNeverGetA5xx(long seed) throws Exception {
		Random random = new Random(seed);
		String token = TestTokens.forTenant(this.id);
		for (int i = 0; i < CASES; i++) {
			String method = pick(random, "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "FOO");
			String path = pick(random, "/api/whoami", "/api/notes", "/api/../admin/tenants", "/api/%2e%2e/x", "/error",
					"/api/" + randomText(random, 20), "/%c0%af", "/api;x=1/whoami", "//api//whoami", "/api/whoami?x=%zz");
			List<String> headers = new ArrayList<>();
			switch (random.nextInt(6)) {
				case 0 -> headers.add("Authorization: Bearer " + randomText(random, random.nextInt(400)));
				case 1 -> headers.add("Authorization: Bearer " + mangle(random, token));
				case 2 -> headers.add("X-API-Key: " + randomText(random, random.nextInt(300)));
				case 3 -> headers.add("Authorization: " + pick(random, "Basic !!!", "Basic " + randomText(random, 30),
						"Bearer", "bearer " + token, "Bearer  " + token + " ", "Digest x"));
				case 4 -> headers.add("Content-Type: " + pick(random, "multipart/form-data; boundary=x",
						"application/json; charset=" + randomText(random, 8), "text/plain", "*/*"));
				default -> headers.add("X-Request-Id: " + randomText(random, random.nextInt(200)));
			}
			String body = random.nextBoolean() ? "--x\r\n\r\n--x--" : randomText(random, random.nextInt(100));
			int status = raw(method, path, headers, body);
			assertThat(status).as("seed " + seed + " case " + i + ": " + method + " " + path + " " + headers)
				.isLessThan(500);
		}
	}

	/** A valid body with a few fields replaced, added, doubled or cut. */
	private static String mutate(Random random) {
		List<String> fields = new ArrayList<>(List.of("\"limit\":10", "\"window\":\"1m\"", "\"path\":\"/api/**\"",
				"\"methods\":[\"GET\"]"));
		int changes = 1 + random.nextInt(3);
		for (int c = 0; c < changes; c++) {
			String field = FIELDS[random.nextInt(FIELDS.length)];
			String value = ODD_VALUES[random.nextInt(ODD_VALUES.length)];
			if (random.nextBoolean() && !fields.isEmpty()) {
				fields.set(random.nextInt(fields.size()), "\"" + field + "\":" + value);
			}
			else {
				fields.add("\"" + field + "\":" + value);
			}
		}
		String object = "{" + String.join(",", fields) + "}";
		String body = switch (random.nextInt(5)) {
			case 0 -> object;
			case 1 -> "[" + object + "," + object + "]";
			case 2 -> "[" + object + "]" + pick(random, "", " ", "]", " {}", "garbage");
			default -> "[" + object + "]";
		};
		if (random.nextInt(8) == 0) {
			body = body.substring(0, random.nextInt(body.length()));
		}
		return body;
	}

	private String[] target(Random random) {
		String tenant = "/admin/tenants/" + this.id;
		return switch (random.nextInt(5)) {
			case 0 -> new String[] { "POST", "/admin/tenants" };
			case 1 -> new String[] { "PATCH", tenant };
			case 2 -> new String[] { "POST", tenant + "/api-keys" };
			case 3 -> new String[] { "PUT", "/admin/plans/fuzz-" + this.id };
			default -> new String[] { "PUT", tenant + "/quotas" };
		};
	}

	/** What a refused request must not change: the tenant, its quotas and its plan's. */
	private String state() throws Exception {
		return admin("GET", "/admin/tenants/" + this.id, null).body()
				+ admin("GET", "/admin/tenants/" + this.id + "/quotas", null).body()
				+ admin("GET", "/admin/plans/fuzz-" + this.id, null).statusCode()
				+ admin("GET", "/admin/tenants?page=0&size=100", null).body().length();
	}

	private static String mangle(Random random, String token) {
		char[] chars = token.toCharArray();
		int edits = 1 + random.nextInt(3);
		for (int e = 0; e < edits; e++) {
			chars[random.nextInt(chars.length)] = (char) (33 + random.nextInt(94));
		}
		return new String(chars);
	}

	private static String randomText(Random random, int length) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < length; i++) {
			// printable ASCII, and now and then a byte above it (sent as Latin-1 over the socket)
			text.append((char) (random.nextInt(10) == 0 ? 128 + random.nextInt(128) : 33 + random.nextInt(94)));
		}
		return text.toString();
	}

	@SafeVarargs
	private static <T> T pick(Random random, T... choices) {
		return choices[random.nextInt(choices.length)];
	}

	private int raw(String method, String path, List<String> headers, String body) throws Exception {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			byte[] content = body.getBytes(StandardCharsets.ISO_8859_1);
			StringBuilder request = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
				.append("Host: 127.0.0.1\r\nConnection: close\r\nContent-Length: ").append(content.length).append("\r\n");
			headers.forEach((header) -> request.append(header).append("\r\n"));
			request.append("\r\n");
			OutputStream out = socket.getOutputStream();
			out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
			out.write(content);
			out.flush();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream line = new ByteArrayOutputStream();
			int b;
			while ((b = in.read()) != -1 && b != '\n') {
				line.write(b);
			}
			String status = line.toString(StandardCharsets.ISO_8859_1);
			// "HTTP/1.1 200 " (or nothing: the container closed a request it would not parse)
			return status.startsWith("HTTP/") ? Integer.parseInt(status.substring(9, 12)) : 400;
		}
	}

	private HttpResponse<String> admin(String method, String path, String json) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.header("Authorization", ADMIN);
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		request.method(method, (json != null) ? HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)
				: HttpRequest.BodyPublishers.noBody());
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
