package dev.tenantlimit.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import dev.tenantlimit.jdbc.JdbcTenantStore;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantStatus;
import dev.tenantlimit.testapp.TestApplication;
import dev.tenantlimit.testapp.TestDatabases;
import dev.tenantlimit.testapp.TestTokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** Caps on requests in flight over real HTTP, with slow endpoints, against the local Redis. */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tenantlimit.jwt.secret=" + TestTokens.SECRET, "spring.data.redis.host=127.0.0.1",
				"spring.data.redis.port=${tenantlimit.test.redis.port:6379}", "tenantlimit.concurrency.tenant.read=2",
				"tenantlimit.concurrency.tenant.mutating=1", "tenantlimit.exempt.tenants=vip" })
class ConcurrencyIntegrationTests {

	@DynamicPropertySource
	static void isolate(DynamicPropertyRegistry registry) {
		TestDatabases.isolate(registry);
	}

	@LocalServerPort
	private int port;

	@Autowired
	private JdbcTenantStore store;

	@Autowired
	private MeterRegistry meters;

	private final HttpClient http = HttpClient.newHttpClient();

	private String tenant;

	@BeforeEach
	void createTenant() {
		this.tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
		this.store.createTenant(new Tenant(this.tenant, "T", null, TenantStatus.ACTIVE, List.of()));
	}

	@Test
	void readsOverTheTenantCapAreRefusedAtOnceAndPermitsComeBack() throws Exception {
		List<HttpResponse<String>> first = parallel(4, "GET", "/api/slow");
		assertThat(statuses(first)).containsExactlyInAnyOrder(200, 200, 429, 429);
		HttpResponse<String> refused = first.stream().filter((r) -> r.statusCode() == 429).findFirst().orElseThrow();
		assertThat(refused.body()).contains("concurrency-limit");
		assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
		assertThat(statuses(parallel(2, "GET", "/api/slow"))).containsExactly(200, 200);
	}

	@Test
	void permitsComeBackWhenTheControllerThrows() throws Exception {
		assertThat(statuses(parallel(2, "GET", "/api/slow-boom"))).containsExactly(500, 500);
		assertThat(statuses(parallel(2, "GET", "/api/slow"))).containsExactly(200, 200);
	}

	@Test
	void writesHaveTheirOwnCap() throws Exception {
		CompletableFuture<List<HttpResponse<String>>> reads = CompletableFuture
			.supplyAsync(() -> parallelUnchecked(2, "GET", "/api/slow"));
		Thread.sleep(150);
		assertThat(statuses(parallel(2, "POST", "/api/slow"))).containsExactlyInAnyOrder(200, 429);
		assertThat(statuses(reads.get())).containsExactly(200, 200);
	}

	@Test
	void exemptTenantIsNeverLimited() throws Exception {
		if (this.store.findTenant("vip").isEmpty()) {
			this.store.createTenant(new Tenant("vip", "VIP", null, TenantStatus.ACTIVE,
					List.of(Quota.of(1, Duration.ofMinutes(1)))));
		}
		double bypassedBefore = bypassed();
		this.tenant = "vip";
		assertThat(statuses(parallel(4, "GET", "/api/slow"))).containsOnly(200);
		assertThat(bypassed() - bypassedBefore).isEqualTo(4);
	}

	@Test
	void inFlightGaugesSeeTheRequestsAndTheirWatermark() throws Exception {
		this.meters.get("tenantlimit.inflight.max").tag("kind", "read").gauge().value();
		CompletableFuture<List<HttpResponse<String>>> reads = CompletableFuture
			.supplyAsync(() -> parallelUnchecked(2, "GET", "/api/slow"));
		Thread.sleep(300);
		assertThat(this.meters.get("tenantlimit.inflight").tag("kind", "read").gauge().value()).isEqualTo(2);
		reads.get();
		// a request leaves the count when the filter returns, just after its response reached the client
		long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
		while (this.meters.get("tenantlimit.inflight").tag("kind", "read").gauge().value() != 0
				&& System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(this.meters.get("tenantlimit.inflight").tag("kind", "read").gauge().value()).isZero();
		assertThat(this.meters.get("tenantlimit.inflight.max").tag("kind", "read").gauge().value()).isEqualTo(2);
		assertThat(this.meters.get("tenantlimit.inflight.max").tag("kind", "read").gauge().value()).isZero();
	}

	private double bypassed() {
		Counter counter = this.meters.find("tenantlimit.requests").tag("outcome", "bypassed").counter();
		return (counter != null) ? counter.count() : 0;
	}

	private List<HttpResponse<String>> parallelUnchecked(int count, String method, String path) {
		try {
			return parallel(count, method, path);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private List<HttpResponse<String>> parallel(int count, String method, String path) throws Exception {
		List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
				.header("Authorization", "Bearer " + TestTokens.forTenant(this.tenant))
				.method(method, HttpRequest.BodyPublishers.noBody())
				.build();
			calls.add(this.http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
		}
		List<HttpResponse<String>> responses = new ArrayList<>();
		for (CompletableFuture<HttpResponse<String>> call : calls) {
			responses.add(call.get());
		}
		return responses;
	}

	private static List<Integer> statuses(List<HttpResponse<String>> responses) {
		return responses.stream().map(HttpResponse::statusCode).toList();
	}

}
