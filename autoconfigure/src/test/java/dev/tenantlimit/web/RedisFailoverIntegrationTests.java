package dev.tenantlimit.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.tenantlimit.actuate.TenantLimitHealthIndicator;
import dev.tenantlimit.limiter.FallbackState;
import dev.tenantlimit.quota.Algorithm;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.testapp.Instances;
import dev.tenantlimit.testapp.PrivateRedisCluster;
import dev.tenantlimit.testapp.PrivateRedisSentinels;
import dev.tenantlimit.testapp.SharedDatabase;
import dev.tenantlimit.testapp.TestApplication;
import dev.tenantlimit.testapp.TestTokens;
import dev.tenantlimit.testapp.Traffic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances on a Redis Sentinel set of the test's own (master, replica, three sentinels) and
 * on a Redis Cluster with a replica per master, configured as a user configures Boot for them
 * ({@code spring.data.redis.sentinel.*}, {@code spring.data.redis.cluster.*}). The master is
 * killed under traffic: decisions go on (the local fallback while no master answers), every
 * instance comes back to shared counting on the promoted replica by itself, and what the
 * failover lost (writes the master acknowledged and never replicated) is measured.
 */
class RedisFailoverIntegrationTests {

	/** redis.timeout (1 s) plus scheduling on a busy two-core machine. */
	private static final Duration LATENCY_BOUND = Duration.ofMillis(2500);

	@RegisterExtension
	static final SharedDatabase database = new SharedDatabase();

	private PrivateRedisSentinels redis;

	private PrivateRedisCluster cluster;

	private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

	/** Stopped first after each test, also when it failed half-way. */
	private Traffic.Load load;

	@AfterEach
	void stop() throws Exception {
		if (this.load != null) {
			this.load.stop();
			this.load = null;
		}
		this.instances.forEach(ConfigurableApplicationContext::close);
		this.instances.clear();
		if (this.redis != null) {
			this.redis.close();
		}
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@Test
	void decisionsGoOnThroughAFailoverAndReturnToTheNewMasterByThemselves() throws Exception {
		// without leases every admission is one entry in the log: what the new master holds is exact
		startOnSentinels("tenantlimit.lease.enabled=false");
		// the log (not the counter a limit this large gets by default): one entry per admission
		String tenant = tenant(Quota.of(100_000, Duration.ofMinutes(1)).withAlgorithm(Algorithm.SLIDING_LOG, 0));
		this.load = Traffic.start(tenant, ports(), 8);
		Thread.sleep(1500);
		long killed = System.nanoTime();
		this.redis.kill(this.redis.firstMaster());
		Duration promoted = awaitPromotion(killed);
		Duration shared = awaitSharedDecisions(killed);
		Thread.sleep(1000);
		Traffic.Result result = this.load.stop();
		this.load = null;
		assertGoneOnAndCounted("Sentinel", result, promoted, shared, count(this.redis.replica(), tenant));
	}

	@Test
	void clusterDecisionsGoOnThroughAFailoverAndReturnToTheNewMasterByThemselves() throws Exception {
		this.cluster = PrivateRedisCluster.start(3, true);
		// Lettuce learns the new master only from a topology refresh: Boot's properties turn it on
		startInstances(List.of("tenantlimit.lease.enabled=false",
				"spring.data.redis.cluster.nodes=" + String.join(",", this.cluster.nodes()),
				"spring.data.redis.lettuce.cluster.refresh.adaptive=true",
				"spring.data.redis.lettuce.cluster.refresh.period=2s"));
		String tenant = tenant(Quota.of(100_000, Duration.ofMinutes(1)).withAlgorithm(Algorithm.SLIDING_LOG, 0));
		String key = "tl:{" + tenant + "}:w60000";
		this.load = Traffic.start(tenant, ports(), 8);
		Thread.sleep(1500);
		int master = this.cluster.masterOf(key);
		int replica = this.cluster.replicas().entrySet().stream()
			.filter((entry) -> entry.getValue() == master)
			.findFirst()
			.orElseThrow()
			.getKey();
		long killed = System.nanoTime();
		this.cluster.kill(master);
		while (!this.cluster.isMaster(replica)) {
			assertThat(Duration.ofNanos(System.nanoTime() - killed)).as("promotion").isLessThan(Duration.ofSeconds(30));
			Thread.sleep(20);
		}
		Duration promoted = Duration.ofNanos(System.nanoTime() - killed);
		Duration shared = awaitSharedDecisions(killed);
		Thread.sleep(1000);
		Traffic.Result result = this.load.stop();
		this.load = null;
		long counted = Long.parseLong(this.cluster.command(replica, "ZCARD", key));
		assertGoneOnAndCounted("Cluster", result, promoted, shared, counted);
	}

	private void assertGoneOnAndCounted(String what, Traffic.Result result, Duration promoted, Duration shared,
			long counted) {
		long local = this.instances.stream().mapToLong((instance) -> fallback(instance).localDecisions()).sum();
		long writtenBack = this.instances.stream().mapToLong((instance) -> fallback(instance).writtenBack()).sum();
		System.out.println(what + " failover under traffic, 2 instances: " + result.statuses() + ", slowest "
				+ result.worst().toMillis() + " ms; replica promoted " + promoted.toMillis()
				+ " ms after the kill, shared counting again after " + shared.toMillis() + " ms; " + local
				+ " decided locally, " + writtenBack + " written back; the new master counts " + counted + " of "
				+ result.admitted() + " admitted (" + (result.admitted() - counted) + " lost)");
		assertThat(result.statuses()).as("every answer an admission").containsOnlyKeys(200);
		assertThat(result.worst()).isLessThan(LATENCY_BOUND);
		assertThat(local).as("decided locally while no master answered").isPositive();
		// every local decision was an admission (the limit is never reached) and went into the new master
		assertThat(writtenBack).as("written back").isEqualTo(local);
		for (ConfigurableApplicationContext instance : this.instances) {
			// the kill, and at most one more when a stalled node on a busy machine is taken for down
			assertThat(fallback(instance).outages()).as("outages seen by one instance").isBetween(1L, 2L);
			assertThat(instance.getBean(TenantLimitHealthIndicator.class).health(true).getStatus())
				.isEqualTo(Status.UP);
		}
		// asynchronous replication loses what the master acknowledged in its last moment, little here;
		// a reply lost with the connection counts twice (Redis ran it, the fallback admits again)
		assertThat(counted).as("counted on the new master").isGreaterThanOrEqualTo(result.admitted() * 98 / 100);
	}

	@Test
	void aWindowKeepsItsCountThroughAFailoverOnceTheReplicaHasIt() throws Exception {
		int limit = 100;
		startOnSentinels();
		String tenant = tenant(Quota.of(limit, Duration.ofMinutes(1)));
		Traffic.Result before = Traffic.send(tenant, ports(), 58, 8);
		assertThat(before.statuses()).containsOnlyKeys(200);
		// one request more on each instance, one at a time: each has heard last what remains now
		// (a staleness of what the other admitted since is the fallback's documented slack)
		int admitted = before.admitted();
		for (int port : ports()) {
			admitted += Traffic.send(tenant, List.of(port), 1, 1).admitted();
		}
		assertThat(admitted).isEqualTo(60);
		// WAIT: the replica has every write the master acknowledged
		assertThat(this.redis.command(this.redis.firstMaster(), "WAIT", "1", "2000")).isEqualTo("1");
		long killed = System.nanoTime();
		this.redis.kill(this.redis.firstMaster());
		Traffic.Result during = Traffic.send(tenant, ports(), 200, 16);
		awaitPromotion(killed);
		awaitSharedDecisions(killed);
		Traffic.Result after = Traffic.send(tenant, ports(), 100, 16);

		System.out.println("Sentinel failover, full window, limit " + limit + ": " + admitted
				+ " admitted before, " + during.statuses() + " during, " + after.statuses() + " after: "
				+ (admitted + during.admitted() + after.admitted()) + " admitted; written back "
				+ this.instances.stream().map((instance) -> fallback(instance).writtenBack()).toList());
		assertThat(during.onlyAdmittedOrLimited()).as("answers during the failover: %s", during.statuses()).isTrue();
		assertThat(after.onlyAdmittedOrLimited()).isTrue();
		assertThat(admitted + during.admitted() + after.admitted()).as("admitted in the window")
			.isLessThanOrEqualTo(limit);
		assertThat(count(this.redis.replica(), tenant)).as("entries on the new master")
			.isEqualTo(admitted + during.admitted() + after.admitted());
	}

	private void startOnSentinels(String... more) throws Exception {
		this.redis = PrivateRedisSentinels.start();
		List<String> properties = new ArrayList<>(List.of(more));
		properties.add("spring.data.redis.sentinel.master=" + PrivateRedisSentinels.MASTER_NAME);
		properties.add("spring.data.redis.sentinel.nodes=" + this.redis.nodes());
		startInstances(properties);
	}

	private void startInstances(List<String> more) throws InterruptedException {
		for (int i = 0; i < 2; i++) {
			List<String> properties = new ArrayList<>(database.properties());
			properties.addAll(List.of("server.port=0", "tenantlimit.jwt.secret=" + TestTokens.SECRET,
					"spring.data.redis.connect-timeout=200ms", "tenantlimit.fallback.heartbeat-interval=200ms",
					"tenantlimit.fallback.retry-interval=500ms", "spring.main.banner-mode=off"));
			properties.addAll(more);
			this.instances.add(new SpringApplicationBuilder(TestApplication.class)
				.properties(properties.toArray(String[]::new))
				.run());
		}
		Instances.awaitSeeingEachOther(this.instances);
	}

	private String tenant(Quota quota) {
		String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
		database.createTenant(tenant, quota);
		return tenant;
	}

	/** Until the sentinels name the replica as the master; how long after the kill. */
	private Duration awaitPromotion(long killed) throws Exception {
		while (this.redis.master() != this.redis.replica()) {
			assertThat(Duration.ofNanos(System.nanoTime() - killed)).as("promotion").isLessThan(Duration.ofSeconds(30));
			Thread.sleep(20);
		}
		return Duration.ofNanos(System.nanoTime() - killed);
	}

	/** Until every instance took Redis for unreachable and decides through it again. */
	private Duration awaitSharedDecisions(long killed) throws InterruptedException {
		for (ConfigurableApplicationContext instance : this.instances) {
			while (fallback(instance).isActive() || fallback(instance).outages() == 0) {
				assertThat(Duration.ofNanos(System.nanoTime() - killed)).as("recovery").isLessThan(Duration.ofSeconds(30));
				Thread.sleep(20);
			}
		}
		return Duration.ofNanos(System.nanoTime() - killed);
	}

	/** Entries in the tenant's log on a node. */
	private long count(int port, String tenant) throws Exception {
		return Long.parseLong(this.redis.command(port, "ZCARD", "tl:{" + tenant + "}:w60000"));
	}

	private List<Integer> ports() {
		return this.instances.stream()
			.map((instance) -> ((WebServerApplicationContext) instance).getWebServer().getPort())
			.toList();
	}

	private static FallbackState fallback(ConfigurableApplicationContext instance) {
		return instance.getBean(FallbackState.class);
	}

}
