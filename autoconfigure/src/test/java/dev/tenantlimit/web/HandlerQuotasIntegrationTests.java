package dev.tenantlimit.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.tenantlimit.testapp.PrivateRedisServer;
import dev.tenantlimit.testapp.TestApplication;
import dev.tenantlimit.testapp.TestTokens;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @RateLimited} handlers of the test application, over HTTP against a Redis of the test's
 * own, whose slow log (every command, with its keys) shows how many script calls each request
 * made and which counters each touched.
 */
class HandlerQuotasIntegrationTests {

	private static PrivateRedisServer redisServer;

	private static ConfigurableApplicationContext instance;

	private static int port;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String tenant = "handler-" + UUID.randomUUID().toString().substring(0, 8);

	@BeforeAll
	static void start() throws Exception {
		redisServer = PrivateRedisServer.start();
		instance = new SpringApplicationBuilder(TestApplication.class)
			.properties("server.port=0", "tenantlimit.jwt.secret=" + TestTokens.SECRET, "spring.data.redis.host=127.0.0.1",
					"spring.data.redis.port=" + redisServer.port(), "spring.main.banner-mode=off",
					"tenantlimit.default-quotas[0].limit=100", "tenantlimit.default-quotas[0].window=1m")
			.run();
		port = ((WebServerApplicationContext) instance).getWebServer().getPort();
	}

	@AfterAll
	static void stop() throws Exception {
		instance.close();
		redisServer.close();
	}

	@BeforeEach
	void logEveryCommand() {
		redisServer.command("CONFIG SET slowlog-max-len 10000");
		redisServer.command("CONFIG SET slowlog-log-slower-than 0");
		redisServer.command("SLOWLOG RESET");
	}

	@Test
	void anAnnotatedHandlerIsLimitedOnTopOfTheTenantsQuotaInOneScriptCallPerRequest() throws Exception {
		// cost 5 on a limit of 10: the third is refused
		assertThat(send("POST", "/api/reports")).satisfies((response) -> {
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.headers().firstValue("RateLimit-Policy")).hasValue(
					"\"per-minute\";q=100;w=60, \"per-minute-2\";q=10;w=60");
			assertThat(response.headers().firstValue("RateLimit")).hasValue("\"per-minute-2\";r=5;t=60");
		});
		assertThat(send("POST", "/api/reports").statusCode()).isEqualTo(200);
		HttpResponse<String> refused = send("POST", "/api/reports");
		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(refused.body()).contains("\"tenant\":\"" + this.tenant + "\"", "\"limit\":10");
		List<List<String>> calls = scriptCalls();
		assertThat(calls).as("one script call per request").hasSize(3);
		for (List<String> keys : calls) {
			// the tenant's quota and the handler's, in one call
			assertThat(keys).hasSize(2);
			assertThat(keys.get(0)).isEqualTo("tl:{" + this.tenant + "}:w60000");
			assertThat(keys.get(1)).startsWith("tl:{" + this.tenant + "}:w60000:/;handler=")
				.contains("ReportController#create");
		}
		// the refused request was counted in neither; the tenant's own quota holds the two others
		assertThat(send("GET", "/api/reports/latest").headers().firstValue("RateLimit"))
			.hasValue("\"per-minute\";r=97;t=60");
	}

	@Test
	void aMetaAnnotationGivesEachHandlerItsOwnCounter() throws Exception {
		assertThat(send("GET", "/api/reports/1").statusCode()).isEqualTo(200);
		assertThat(send("GET", "/api/reports/2").statusCode()).isEqualTo(200);
		assertThat(send("GET", "/api/reports/3").statusCode()).isEqualTo(429);
		// another handler with the same annotation, and a handler without one, are not refused
		assertThat(send("GET", "/api/reports/1/summary").statusCode()).isEqualTo(200);
		assertThat(send("GET", "/api/reports/latest").statusCode()).isEqualTo(200);
		// another tenant has counters of its own
		assertThat(send("GET", "/api/reports/1", TestTokens.forTenant(this.tenant + "-b")).statusCode()).isEqualTo(200);
	}

	@Test
	void aControllersQuotaCountsAllItsHandlersTogether() throws Exception {
		assertThat(send("GET", "/api/exports/csv").statusCode()).isEqualTo(200);
		assertThat(send("GET", "/api/exports/pdf").statusCode()).isEqualTo(200);
		// the pdf handler's own quota: 1 per 10 s
		assertThat(send("GET", "/api/exports/pdf").statusCode()).isEqualTo(429);
		assertThat(send("GET", "/api/exports/csv").statusCode()).isEqualTo(200);
		// the controller's: 3 a minute over csv and pdf
		assertThat(send("GET", "/api/exports/csv").statusCode()).isEqualTo(429);
	}

	@Test
	void aLookupLeavesTheRequestAsTheApplicationExpects() throws Exception {
		// path variables bound, and a method no handler takes answered 405 by Spring MVC, not by us
		assertThat(send("GET", "/api/reports/abc").body()).isEqualTo("report abc");
		assertThat(send("DELETE", "/api/reports/abc").statusCode()).isEqualTo(405);
		assertThat(send("GET", "/api/nothing-here").statusCode()).isEqualTo(404);
	}

	private HttpResponse<String> send(String method, String path) throws Exception {
		return send(method, path, TestTokens.forTenant(this.tenant));
	}

	private HttpResponse<String> send(String method, String path, String token) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.header("Authorization", "Bearer " + token)
			.method(method, HttpRequest.BodyPublishers.noBody())
			.timeout(Duration.ofSeconds(10))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	/** The keys of each script call of this test's tenant since the slow log was reset, oldest first. */
	@SuppressWarnings("unchecked")
	private List<List<String>> scriptCalls() {
		RedisClient client = RedisClient.create("redis://127.0.0.1:" + redisServer.port());
		List<Object> entries;
		try (StatefulRedisConnection<String, String> lettuce = client.connect()) {
			entries = lettuce.sync().slowlogGet(-1);
		}
		finally {
			client.shutdown();
		}
		List<List<String>> calls = new ArrayList<>();
		for (Object entry : entries) {
			// id, time, duration, arguments, client, name
			List<Object> args = (List<Object>) ((List<Object>) entry).get(3);
			String command = (String) args.get(0);
			if (!command.equalsIgnoreCase("FCALL") && !command.equalsIgnoreCase("EVALSHA")
					&& !command.equalsIgnoreCase("EVAL")) {
				continue;
			}
			int keyCount = Integer.parseInt((String) args.get(2));
			List<String> keys = new ArrayList<>();
			for (int i = 0; i < keyCount; i++) {
				keys.add((String) args.get(3 + i));
			}
			if (keys.stream().allMatch((key) -> key.contains("{" + this.tenant + "}"))) {
				calls.add(0, keys);
			}
		}
		return calls;
	}

}
