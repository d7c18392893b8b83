package dev.tenantlimit.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import dev.tenantlimit.testapp.TestApplication;
import dev.tenantlimit.testapp.TestDatabases;
import dev.tenantlimit.testapp.TestTokens;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guessing admin passwords over real HTTP: past max-failed-logins in the window, the address gets
 * 429 with Retry-After, even with the right password, until the window ends.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tenantlimit.jwt.secret=" + TestTokens.SECRET, "tenantlimit.admin.max-failed-logins=5",
				"tenantlimit.admin.failed-login-window=2s", "spring.data.redis.host=127.0.0.1",
				"spring.data.redis.port=${tenantlimit.test.redis.port:6379}" })
class AdminLoginThrottleIntegrationTests {

	@DynamicPropertySource
	static void isolate(DynamicPropertyRegistry registry) {
		TestDatabases.isolate(registry);
	}

	@LocalServerPort
	private int port;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void guessesPastTheLimitAreRefusedUntilTheWindowEnds() throws Exception {
		// 40 guesses at once get no more tries than 5 one after the other
		java.util.List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> burst = new java.util.ArrayList<>();
		for (int i = 0; i < 40; i++) {
			burst.add(this.http.sendAsync(request("wrong-" + i).build(), HttpResponse.BodyHandlers.ofString()));
		}
		java.util.Map<Integer, Long> statuses = burst.stream()
			.map(java.util.concurrent.CompletableFuture::join)
			.collect(java.util.stream.Collectors.groupingBy(HttpResponse::statusCode, java.util.stream.Collectors.counting()));
		assertThat(statuses).as("answers to the burst").containsEntry(401, 5L).containsEntry(429, 35L);
		HttpResponse<String> throttled = signIn("admin-secret");
		assertThat(throttled.statusCode()).as("the right password is not even checked").isEqualTo(429);
		assertThat(throttled.headers().firstValue("Retry-After")).hasValueSatisfying(
				(seconds) -> assertThat(Integer.parseInt(seconds)).isBetween(1, 2));
		assertThat(throttled.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(signIn(null).statusCode()).as("no credentials: nothing to throttle").isEqualTo(401);
		Thread.sleep(2100);
		assertThat(signIn("admin-secret").statusCode()).isEqualTo(200);
		assertThat(signIn("wrong").statusCode()).as("the success cleared the count").isEqualTo(401);
	}

	private HttpResponse<String> signIn(String password) throws Exception {
		return this.http.send(request(password).build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpRequest.Builder request(String password) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/admin/tenants"));
		if (password != null) {
			request.header("Authorization", "Basic "
					+ Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8)));
		}
		return request;
	}

}
