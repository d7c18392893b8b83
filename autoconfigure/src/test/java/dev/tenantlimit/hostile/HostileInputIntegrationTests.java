package dev.tenantlimit.hostile;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import dev.tenantlimit.testapp.TestApplication;
import dev.tenantlimit.testapp.TestDatabases;
import dev.tenantlimit.testapp.TestTokens;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an attacker (or a careless client) sends, over real HTTP to a real Tomcat: each gets a 4xx
 * problem+json, never a 500, and a refused admin request changes nothing stored.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tenantlimit.jwt.secret=" + TestTokens.SECRET, "spring.data.redis.host=127.0.0.1",
				"spring.data.redis.port=${tenantlimit.test.redis.port:6379}" })
class HostileInputIntegrationTests {

	private static final String ADMIN = "Basic "
			+ Base64.getEncoder().encodeToString("admin:admin-secret".getBytes(StandardCharsets.UTF_8));

	private static final String STORED = "[{\"limit\":5,\"window\":\"1m\",\"path\":\"/api/**\",\"methods\":[\"GET\"]}]";

	@DynamicPropertySource
	static void isolate(DynamicPropertyRegistry registry) {
		TestDatabases.isolate(registry);
	}

	@LocalServerPort
	private int port;

	private final HttpClient http = HttpClient.newHttpClient();

	private String id;

	@BeforeEach
	void createTenantWithOneGetQuota() throws Exception {
		this.id = "t-" + UUID.randomUUID().toString().substring(0, 8);
		assertThat(send("POST", "/admin/tenants", "{\"id\":\"" + this.id + "\",\"name\":\"Acme\"}").statusCode())
			.isEqualTo(201);
		assertThat(send("PUT", quotas(), STORED).statusCode()).isEqualTo(200);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/{x:[}", "/{x:\\\\Q}/**", "/api/{x:(.*a){12}}", "/api/{x", "/api/*a*a*a*",
			"/api/\\u0000", "api/**", "/api//x", "/api/./x", "/api/../x", "/api/;x" })
	void pathPatternsTheMatcherCannotUseAreRefusedAndNothingIsStored(String path) throws Exception {
		String body = "[{\"limit\":5,\"window\":\"1m\",\"path\":\"" + path + "\"}]";
		assertRefused(send("PUT", quotas(), body), ".path");
		assertRefused(send("PUT", "/admin/plans/p-" + this.id, body), ".path");
		assertThat(send("GET", "/admin/plans/p-" + this.id, null).statusCode()).isEqualTo(404);
	}

	@ParameterizedTest
	@ValueSource(strings = { "[{\"limit\":5,\"window\":\"1m\",\"metods\":[\"GET\"]}]", "[{\"limit\":1.5,\"window\":\"1m\"}]",
			"[{\"limit\":\"10\",\"window\":\"1m\"}]", "[{\"limit\":5,\"window\":\"1M\"}]",
			"[{\"limit\":5,\"window\":\"1m\",\"shadow\":\"true\"}]",
			"[{\"limit\":5,\"window\":\"1m\",\"algorithm\":\"token-bucket\",\"burst\":9223372036854775807}]",
			"[{\"limit\":9223372036854775807,\"window\":\"1m\"}]", "[{\"limit\":5,\"window\":\"1m\"}] []",
			"{\"limit\":5}", "[{\"limit\":5,\"window\":\"1m\",\"methods\":[\"GET\",null]}]",
			"[{\"limit\":5,\"window\":\"1m\",\"limit\":50000}]", "[{\"limit\":1e3,\"window\":\"1m\"}]" })
	void lenientQuotaBodiesAreRefusedAndNothingIsStored(String body) throws Exception {
		HttpResponse<String> response = send("PUT", quotas(), body);
		assertRefused(response, null);
		assertThat(response.body()).as("errors name places in the body, not Java classes").doesNotContain("java.")
			.doesNotContain("dev.tenantlimit");
	}

	@Test
	void everyUnknownFieldIsNamed() throws Exception {
		HttpResponse<String> response = send("PUT", quotas(),
				"[{\"limit\":5,\"window\":\"1m\",\"metods\":[\"GET\"]},{\"limit\":5,\"window\":\"1h\",\"pth\":\"/x\"}]");
		assertRefused(response, "metods");
		assertThat(response.body()).contains("pth");
	}

	@ParameterizedTest
	@ValueSource(strings = { "Ac\\u0000me", "Ac\\ud800me", "line\\nbreak" })
	void namesMustBePrintableText(String name) throws Exception {
		assertThat(send("POST", "/admin/tenants", "{\"id\":\"n-" + this.id + "\",\"name\":\"" + name + "\"}")
			.statusCode()).isEqualTo(400);
		assertThat(send("GET", "/admin/tenants/n-" + this.id, null).statusCode()).isEqualTo(404);
	}

	@Test
	void typeErrorsSayWhatWasExpectedWhere() throws Exception {
		// a value of the wrong type stops the reading: the first such error is the one listed
		assertRefused(send("PUT", quotas(), "[{\"limit\":\"10\",\"window\":\"1m\"}]"), "[0].limit: must be a whole number");
		assertRefused(send("PUT", quotas(), "[{\"limit\":5,\"window\":5}]"), "[0].window: must be text");
		assertRefused(send("PUT", quotas(), "[{\"limit\":5,\"window\":\"1m\"},{\"limit\":5,\"window\":\"1m\",\"shadow\":1}]"),
				"[1].shadow: must be true or false");
	}

	@Test
	void aFieldGivenTwiceIsRefusedAndNamesAreCountedInCharacters() throws Exception {
		HttpResponse<String> twice = send("POST", "/admin/tenants",
				"{\"id\":\"a-" + this.id + "\",\"name\":\"x\",\"id\":\"b-" + this.id + "\"}");
		assertThat(twice.statusCode()).isEqualTo(400);
		assertThat(twice.body()).contains("twice");
		assertThat(send("GET", "/admin/tenants/a-" + this.id, null).statusCode()).isEqualTo(404);
		assertThat(send("GET", "/admin/tenants/b-" + this.id, null).statusCode()).isEqualTo(404);
		String emoji = "\uD83D\uDE00".repeat(101);
		HttpResponse<String> tooLong = send("POST", "/admin/tenants",
				"{\"id\":\"e-" + this.id + "\",\"name\":\"" + emoji + "\"}");
		assertThat(tooLong.statusCode()).as("101 emoji are 202 UTF-16 units, as the database counts").isEqualTo(400);
		assertThat(tooLong.body()).contains("UTF-16");
		assertThat(send("POST", "/admin/tenants", "{\"id\":\"e-" + this.id + "\",\"name\":\"" + "\uD83D\uDE00".repeat(100)
				+ "\"}").statusCode()).isEqualTo(201);
	}

	@Test
	void overlongUtf8IsNotASlash() throws Exception {
		byte[] prefix = ("[{\"limit\":5,\"window\":\"1m\",\"path\":\"/api").getBytes(StandardCharsets.US_ASCII);
		byte[] suffix = "**\"}]".getBytes(StandardCharsets.US_ASCII);
		byte[] body = new byte[prefix.length + 2 + suffix.length];
		System.arraycopy(prefix, 0, body, 0, prefix.length);
		body[prefix.length] = (byte) 0xc0;
		body[prefix.length + 1] = (byte) 0xaf;
		System.arraycopy(suffix, 0, body, prefix.length + 2, suffix.length);
		HttpResponse<String> response = this.http.send(admin(HttpRequest.newBuilder(uri(quotas())))
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofByteArray(body))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertRefused(response, "UTF-8");
	}

	@Test
	void hugePagesAreRefusedNotOverflowed() throws Exception {
		assertRefused(send("GET", "/admin/tenants?page=21474837&size=100", null), "page");
		assertRefused(send("GET", "/admin/audit?page=21474837&size=100", null), "page");
	}

	@Test
	void revokingARevokedKeyChangesAndRecordsNothing() throws Exception {
		String created = send("POST", "/admin/tenants/" + this.id + "/api-keys", "{\"name\":\"ci\"}").body();
		String keyId = created.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
		assertThat(send("DELETE", "/admin/tenants/" + this.id + "/api-keys/" + keyId, null).statusCode()).isEqualTo(204);
		assertThat(send("DELETE", "/admin/tenants/" + this.id + "/api-keys/" + keyId, null).statusCode()).isEqualTo(204);
		String audit = send("GET", "/admin/audit?tenant=" + this.id, null).body();
		assertThat(audit.split("api-key.revoke", -1)).as("one revoke entry").hasSize(2);
		assertThat(audit).doesNotContain("\"action\":\"api-key.revoke\",\"target\":\"" + this.id + "/" + keyId
				+ "\",\"before\":null");
	}

	@Test
	void headCountsAgainstAGetQuotaAndOptionsPreflightsPass() throws Exception {
		String bearer = "Bearer " + TestTokens.forTenant(this.id);
		for (int i = 0; i < 5; i++) {
			assertThat(this.http.send(HttpRequest.newBuilder(uri("/api/whoami"))
				.header("Authorization", bearer)
				.method("HEAD", HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
		}
		HttpResponse<String> get = this.http.send(
				HttpRequest.newBuilder(uri("/api/whoami")).header("Authorization", bearer).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(get.statusCode()).as("the 5 HEADs used the GET quota").isEqualTo(429);
		HttpResponse<Void> preflight = this.http.send(HttpRequest.newBuilder(uri("/api/whoami"))
			.header("Origin", "https://app.example")
			.header("Access-Control-Request-Method", "GET")
			.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.discarding());
		assertThat(preflight.statusCode()).as("a CORS preflight carries no credentials").isNotEqualTo(401)
			.isLessThan(500);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/admin/token", "/api/notes", "/admin/tenants" })
	void aMalformedMultipartBodyIsNoServerError(String path) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "multipart/form-data; boundary=x")
			.POST(HttpRequest.BodyPublishers.ofString("--x\r\n\r\n--x--"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isBetween(400, 499);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api//whoami", "/api/whoami;x=1", "/api/%2e/whoami" })
	void whatTheFirewallRefusesIsAProblemToo(String path) throws Exception {
		HttpResponse<String> response = send("GET", path, null);
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
	}

	@Test
	void theErrorPathIsNoServerError() throws Exception {
		HttpResponse<String> response = send("GET", "/error", null);
		assertThat(response.statusCode()).isBetween(400, 499);
	}

	private String quotas() {
		return "/admin/tenants/" + this.id + "/quotas";
	}

	/** 400 problem+json naming {@code expected}, and the tenant's quotas as they were. */
	private void assertRefused(HttpResponse<String> response, String expected) throws Exception {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		if (expected != null) {
			assertThat(response.body()).contains(expected);
		}
		assertThat(send("GET", quotas(), null).body()).contains("\"limit\":5").contains("\"/api/**\"")
			.doesNotContain("},{");
	}

	private HttpResponse<String> send(String method, String path, String json) throws Exception {
		HttpRequest.Builder request = admin(HttpRequest.newBuilder(uri(path)));
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		request.method(method, (json != null) ? HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)
				: HttpRequest.BodyPublishers.noBody());
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpRequest.Builder admin(HttpRequest.Builder request) {
		return request.header("Authorization", ADMIN);
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

}
