package dev.tenantlimit.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.tenantlimit.jdbc.JdbcTenantStore;
import dev.tenantlimit.quota.Algorithm;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantStatus;
import dev.tenantlimit.testapp.SharedDatabase;
import dev.tenantlimit.testapp.TestApplication;
import dev.tenantlimit.testapp.TestServices;
import dev.tenantlimit.testapp.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Quotas with a delay hold the requests they would refuse (servlet async: no container thread
 * waits) and serve them once they have room, over real HTTP against the real Redis. Tomcat runs
 * with two threads, as many as requests are held at once: held requests that kept a thread would
 * keep every other request waiting.
 */
class ShapingIntegrationTests {

	@RegisterExtension
	static final SharedDatabase database = new SharedDatabase();

	private static ConfigurableApplicationContext instance;

	private static int port;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String id = UUID.randomUUID().toString().substring(0, 8);

	@BeforeAll
	static void start() {
		List<String> properties = new ArrayList<>(database.properties());
		properties.addAll(List.of("server.port=0", "tenantlimit.jwt.secret=" + TestTokens.SECRET,
				"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + TestServices.redisPort(),
				"tenantlimit.redis.key-prefix=tl-shaping-" + UUID.randomUUID() + ":", "spring.main.banner-mode=off",
				"server.tomcat.threads.max=2", "server.tomcat.threads.min-spare=2"));
		properties.add("tenantlimit.shaping.max-waiting-per-tenant=2");
		instance = new SpringApplicationBuilder(TestApplication.class, ApplicationFilters.class)
			.properties(properties.toArray(String[]::new))
			.run();
		port = ((WebServerApplicationContext) instance).getWebServer().getPort();
	}

	@AfterAll
	static void stop() {
		instance.close();
	}

	@Test
	void aShapedQuotaServesEveryRequestWithinItsDelayTheLastAboutASecondLater() throws Exception {
		String tenant = shapedTenant("shaped", 2, Duration.ofSeconds(1), Duration.ofSeconds(3));
		long start = System.nanoTime();
		List<Callable<long[]>> calls = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			calls.add(() -> {
				HttpResponse<String> response = send(tenant);
				assertThat(response.headers().firstValue("Retry-After")).as("Retry-After of a 200").isEmpty();
				return new long[] { response.statusCode(), (System.nanoTime() - start) / 1_000_000 };
			});
		}
		// while the held ones wait, another tenant is served at once: they hold no thread
		String other = tenant("other", Quota.of(100, Duration.ofMinutes(1)));
		List<long[]> results = runConcurrently(calls, () -> {
			Thread.sleep(300);
			long before = System.nanoTime();
			assertThat(send(other).statusCode()).isEqualTo(200);
			return new long[] { 200, (System.nanoTime() - before) / 1_000_000 };
		});
		List<long[]> shaped = results.subList(0, 4);
		assertThat(shaped).allSatisfy((result) -> assertThat(result[0]).isEqualTo(200));
		List<Long> times = shaped.stream().map((result) -> result[1]).sorted().toList();
		// two at once, two when the first two leave the window, a second later
		assertThat(times.get(1)).isLessThan(700);
		assertThat(times.get(3)).isBetween(900L, 2500L);
		assertThat(results.get(4)[1]).as("ms the other tenant waited").isLessThan(500);
		assertNoneHeld();
	}

	@Test
	void aRequestThatCouldNotBeAdmittedWithinTheDelayIsRefusedAtOnce() throws Exception {
		String tenant = tenant("slow", Quota.of(1, Duration.ofSeconds(10)).withDelay(Duration.ofSeconds(1)));
		assertThat(send(tenant).statusCode()).isEqualTo(200);
		long before = System.nanoTime();
		HttpResponse<String> refused = send(tenant);
		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(refused.headers().firstValue("Retry-After")).isPresent();
		assertThat((System.nanoTime() - before) / 1_000_000).isLessThan(500);
	}

	@Test
	void aHeldRequestThatStillFindsNoRoomIsRefusedWhenItsDelayEnds() throws Exception {
		// 1 per second, held at most 1.5 s: of 3 at once, the first now, the second a second later,
		// the third refused once its delay is over
		String tenant = tenant("crowded", Quota.of(1, Duration.ofSeconds(1))
			.withAlgorithm(Algorithm.SLIDING_LOG, 0)
			.withDelay(Duration.ofMillis(1500)));
		long start = System.nanoTime();
		List<Callable<long[]>> calls = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			calls.add(() -> new long[] { send(tenant).statusCode(), (System.nanoTime() - start) / 1_000_000 });
		}
		List<long[]> results = runConcurrently(calls, null);
		assertThat(results.stream().filter((result) -> result[0] == 200).count()).isEqualTo(2);
		assertThat(results.stream().filter((result) -> result[0] == 429).count()).isEqualTo(1);
		assertThat(results).filteredOn((result) -> result[0] == 429)
			.allSatisfy((result) -> assertThat(result[1]).isBetween(900L, 3000L));
	}

	@Test
	void theApplicationsFiltersSeeAHeldRequestBeforeItIsHeld() throws Exception {
		// a plain Filter bean is mapped to the request dispatch only: held and admitted by an async
		// dispatch from TenantLimit's filter, the request would skip it and reach the controller
		String tenant = shapedTenant("guarded", 1, Duration.ofSeconds(1), Duration.ofSeconds(3));
		assertThat(send(tenant).statusCode()).isEqualTo(200);
		HttpResponse<String> blocked = send(tenant, "X-Blocked", "yes");
		assertThat(blocked.statusCode()).isEqualTo(403);
		// refused by the application, never admitted: the quota still has room a second later
		Thread.sleep(1100);
		assertThat(send(tenant).statusCode()).isEqualTo(200);
		HttpResponse<String> held = send(tenant, "X-Blocked", "no");
		assertThat(held.statusCode()).isEqualTo(200);
		assertThat(held.headers().firstValue("X-Application-Filter")).hasValue("seen");
		assertNoneHeld();
	}

	@Test
	void aRequestAFilterForwardsIsHeldAllTheSame() throws Exception {
		// the forward reaches the servlet without the rest of the request dispatch's chain
		String tenant = shapedTenant("forwarded", 1, Duration.ofSeconds(1), Duration.ofSeconds(3));
		assertThat(send(tenant, "/legacy/whoami").statusCode()).isEqualTo(200);
		long before = System.nanoTime();
		HttpResponse<String> held = send(tenant, "/legacy/whoami");
		assertThat(held.statusCode()).isEqualTo(200);
		assertThat(held.body()).contains(tenant);
		assertThat(held.headers().firstValue("RateLimit")).isPresent();
		assertThat((System.nanoTime() - before) / 1_000_000).as("ms held").isGreaterThan(500);
		assertNoneHeld();
	}

	@Test
	void oneTenantHoldsNoMoreThanItsShareOfThePlaces() throws Exception {
		// max-waiting-per-tenant=2: of 4 requests the full quota would hold, 2 wait and 2 are refused at once
		String tenant = shapedTenant("greedy", 1, Duration.ofSeconds(2), Duration.ofSeconds(3));
		assertThat(send(tenant).statusCode()).isEqualTo(200);
		long start = System.nanoTime();
		List<Callable<long[]>> calls = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			calls.add(() -> new long[] { send(tenant).statusCode(), (System.nanoTime() - start) / 1_000_000 });
		}
		List<long[]> results = runConcurrently(calls, null);
		assertThat(results).filteredOn((result) -> result[0] == 429 && result[1] < 700).hasSize(2);
		assertThat(results).filteredOn((result) -> result[0] == 200).hasSize(1);
		assertNoneHeld();
	}

	/** The timer thread frees a place just after it answers: the client may have the answer first. */
	private static void assertNoneHeld() throws InterruptedException {
		TenantRateLimitFilter filter = instance.getBean(TenantRateLimitFilter.class);
		for (int i = 0; i < 50 && filter.heldRequests() > 0; i++) {
			Thread.sleep(20);
		}
		assertThat(filter.heldRequests()).isZero();
	}

	/** A tenant with one quota counted exactly (a sliding log), holding what it refuses up to {@code delay}. */
	private String shapedTenant(String name, long limit, Duration window, Duration delay) {
		return tenant(name, Quota.of(limit, window).withAlgorithm(Algorithm.SLIDING_LOG, 0).withDelay(delay));
	}

	private String tenant(String name, Quota quota) {
		String tenant = name + "-" + this.id;
		instance.getBean(JdbcTenantStore.class)
			.createTenant(new Tenant(tenant, name, null, TenantStatus.ACTIVE, List.of(quota)));
		return tenant;
	}

	private HttpResponse<String> send(String tenant) throws Exception {
		return send(tenant, "X-Blocked", "no");
	}

	private HttpResponse<String> send(String tenant, String path) throws Exception {
		return send(tenant, path, "X-Blocked", "no");
	}

	private HttpResponse<String> send(String tenant, String header, String value) throws Exception {
		return send(tenant, "/api/whoami", header, value);
	}

	private HttpResponse<String> send(String tenant, String path, String header, String value) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.header("Authorization", "Bearer " + TestTokens.forTenant(tenant))
			.header(header, value)
			.timeout(Duration.ofSeconds(20))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private static List<long[]> runConcurrently(List<Callable<long[]>> calls, Callable<long[]> alongside)
			throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(calls.size() + 1);
		try {
			List<Future<long[]>> futures = new ArrayList<>();
			for (Callable<long[]> call : calls) {
				futures.add(pool.submit(call));
			}
			if (alongside != null) {
				futures.add(pool.submit(alongside));
			}
			List<long[]> results = new ArrayList<>();
			for (Future<long[]> future : futures) {
				results.add(future.get());
			}
			return results;
		}
		finally {
			pool.shutdownNow();
		}
	}

	/** The application's own filters, as an application registers them: plain beans, default order. */
	@Configuration(proxyBeanMethods = false)
	static class ApplicationFilters {

		/** Refuses requests with {@code X-Blocked: yes}, as an authorization filter would. */
		@Bean
		Filter blockingFilter() {
			return (request, response, chain) -> {
				HttpServletResponse http = (HttpServletResponse) response;
				if ("yes".equals(((HttpServletRequest) request).getHeader("X-Blocked"))) {
					http.sendError(403);
					return;
				}
				http.setHeader("X-Application-Filter", "seen");
				chain.doFilter(request, response);
			};
		}

		/** Serves {@code /legacy/**} as {@code /api/**}, as a URL-rewriting filter would: by a forward. */
		@Bean
		Filter legacyPathsFilter() {
			return (request, response, chain) -> {
				String path = ((HttpServletRequest) request).getRequestURI();
				if (path.startsWith("/legacy/")) {
					request.getRequestDispatcher("/api/" + path.substring("/legacy/".length())).forward(request, response);
					return;
				}
				chain.doFilter(request, response);
			};
		}

	}

}
