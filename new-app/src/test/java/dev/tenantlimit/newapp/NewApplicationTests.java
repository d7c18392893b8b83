package dev.tenantlimit.newapp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import dev.tenantlimit.testapp.TestServices;
import dev.tenantlimit.testapp.TestTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a new user gets with the starter and the README's YAML (a JWT key, one default quota) in an
 * application with Spring MVC and nothing else (this module has no JDBC and no security
 * configuration): no generated password, 401 problem+json
 * without credentials, the default quota for a verified token of a tenant nobody created, then 429.
 */
@ExtendWith(OutputCaptureExtension.class)
class NewApplicationTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void worksWithTheReadmesYamlAndNothingElse(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(NewApplication.class)
			.properties("server.port=0", "spring.main.banner-mode=off", "tenantlimit.jwt.secret=" + TestTokens.SECRET,
					"tenantlimit.default-quotas[0].limit=3", "tenantlimit.default-quotas[0].window=1m",
					"spring.data.redis.port=" + TestServices.redisPort(),
					"tenantlimit.redis.key-prefix=tl-test-" + UUID.randomUUID() + ":")
			.run()) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			assertThat(output).doesNotContain("Using generated security password");

			HttpResponse<String> anonymous = get(port, null);
			assertThat(anonymous.statusCode()).isEqualTo(401);
			assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(anonymous.body()).contains("Credentials are required");

			String token = TestTokens.forTenant("acme-" + UUID.randomUUID().toString().substring(0, 8));
			for (int i = 0; i < 3; i++) {
				HttpResponse<String> allowed = get(port, token);
				assertThat(allowed.statusCode()).isEqualTo(200);
				assertThat(allowed.body()).isEqualTo("hello");
				assertThat(allowed.headers().firstValue("RateLimit-Policy")).hasValue("\"per-minute\";q=3;w=60");
			}
			assertThat(get(port, token).statusCode()).isEqualTo(429);
		}
	}

	private HttpResponse<String> get(int port, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello"));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
