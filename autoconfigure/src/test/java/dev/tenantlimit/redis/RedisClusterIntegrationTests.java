package dev.tenantlimit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import dev.tenantlimit.limiter.QuotaUsage;
import dev.tenantlimit.quota.Algorithm;
import dev.tenantlimit.quota.AlgorithmSettings;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.testapp.PrivateRedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limiter on a real three-master Redis Cluster started by the test: tenants spread over the
 * slots of every master, two quotas per request in one script (no CROSSSLOT), exact limits under
 * concurrency, usage reads and resets, and concurrency leases.
 */
class RedisClusterIntegrationTests {

	private static PrivateRedisCluster cluster;

	private static LettuceConnectionFactory connectionFactory;

	@BeforeAll
	static void startCluster() throws Exception {
		cluster = PrivateRedisCluster.start(3);
		connectionFactory = new LettuceConnectionFactory(new RedisClusterConfiguration(cluster.nodes()));
		connectionFactory.afterPropertiesSet();
		connectionFactory.start();
	}

	@AfterAll
	static void stopCluster() throws Exception {
		connectionFactory.destroy();
		cluster.close();
	}

	@Test
	void exactLimitsForTenantsOnEveryMaster() throws Exception {
		StringRedisTemplate redis = new StringRedisTemplate(connectionFactory);
		RedisSlidingWindowRateLimiter limiter = new RedisSlidingWindowRateLimiter(connectionFactory, "tl:",
				Duration.ofSeconds(2), AlgorithmSettings.DEFAULTS);
		List<Quota> quotas = List.of(Quota.of(7, Duration.ofMinutes(1)), Quota.of(100, Duration.ofHours(1)));
		List<String> tenants = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			tenants.add("tenant-" + i);
		}
		ExecutorService pool = Executors.newFixedThreadPool(16);
		try {
			List<Callable<String>> calls = new ArrayList<>();
			for (String tenant : tenants) {
				for (int i = 0; i < 20; i++) {
					calls.add(() -> limiter.tryAcquire(tenant, quotas).allowed() ? tenant : "refused");
				}
			}
			List<String> admitted = new ArrayList<>();
			for (Future<String> result : pool.invokeAll(calls)) {
				admitted.add(result.get());
			}
			Map<String, Long> perTenant = admitted.stream()
				.filter((tenant) -> !tenant.equals("refused"))
				.collect(Collectors.groupingBy((tenant) -> tenant, Collectors.counting()));
			assertThat(perTenant).hasSize(30).allSatisfy((tenant, count) -> assertThat(count).isEqualTo(7));
		}
		finally {
			pool.shutdownNow();
		}
		Set<Integer> mastersUsed = new HashSet<>();
		for (String tenant : tenants) {
			mastersUsed.add(masterOf(limiter.key(tenant, quotas.get(0))));
			assertThat(cluster.command(cluster.ports().get(0), "CLUSTER", "KEYSLOT", limiter.key(tenant, quotas.get(0))))
				.isEqualTo(cluster.command(cluster.ports().get(0), "CLUSTER", "KEYSLOT",
						limiter.key(tenant, quotas.get(1))));
		}
		assertThat(mastersUsed).as("masters holding tenants").hasSize(3);
		List<QuotaUsage> usage = limiter.usage("tenant-0", quotas);
		assertThat(usage).extracting(QuotaUsage::used).containsExactly(7L, 7L);
		limiter.reset("tenant-0", quotas);
		assertThat(limiter.usage("tenant-0", quotas)).extracting(QuotaUsage::used).containsExactly(0L, 0L);
	}

	@Test
	void hotTenantShardedOverEveryMasterStillGetsExactlyItsLimit() throws Exception {
		StringRedisTemplate redis = new StringRedisTemplate(connectionFactory);
		RedisSlidingWindowRateLimiter limiter = new RedisSlidingWindowRateLimiter(connectionFactory, "tl:",
				Duration.ofSeconds(2), AlgorithmSettings.DEFAULTS);
		// the same shards on every quota, three algorithms, one request decided in one slot
		List<Quota> quotas = List.of(Quota.of(200, Duration.ofMinutes(1)).withShards(8),
				Quota.of(5000, Duration.ofHours(1)).withAlgorithm(Algorithm.SLIDING_COUNTER, 0).withShards(8),
				Quota.of(1000, Duration.ofHours(1)).withAlgorithm(Algorithm.TOKEN_BUCKET, 0).withShards(8));
		ExecutorService pool = Executors.newFixedThreadPool(16);
		try {
			List<Callable<Boolean>> calls = new ArrayList<>();
			for (int i = 0; i < 400; i++) {
				calls.add(() -> limiter.tryAcquire("hot", quotas).allowed());
			}
			long admitted = 0;
			for (Future<Boolean> result : pool.invokeAll(calls)) {
				admitted += result.get() ? 1 : 0;
			}
			assertThat(admitted).isEqualTo(200);
		}
		finally {
			pool.shutdownNow();
		}
		Set<Integer> masters = new HashSet<>();
		for (int shard = 0; shard < 8; shard++) {
			masters.add(masterOf(limiter.key("hot", quotas.get(0), shard, 8)));
		}
		assertThat(masters).as("masters holding the hot tenant's shards").hasSizeGreaterThan(1);
		assertThat(limiter.usage("hot", quotas)).extracting(QuotaUsage::used).containsExactly(200L, 200L, 200L);
		limiter.reset("hot", quotas);
		assertThat(limiter.usage("hot", quotas)).extracting(QuotaUsage::used).containsExactly(0L, 0L, 0L);
	}

	@Test
	void leasesWorkOnTheCluster() {
		RedisConcurrencyLeases leases = new RedisConcurrencyLeases(new ReactiveStringRedisTemplate(connectionFactory),
				"tl:", Duration.ofSeconds(30), Duration.ofSeconds(2));
		for (int i = 0; i < 10; i++) {
			String tenant = "lease-" + i;
			assertThat(leases.tryAcquire(tenant, "read", "a", 1)).isTrue();
			assertThat(leases.tryAcquire(tenant, "read", "b", 1)).isFalse();
		}
	}

	/** The port of the master that serves this key's slot. */
	private static int masterOf(String key) {
		return cluster.masterOf(key);
	}

}
