package dev.tenantlimit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.tenantlimit.limiter.QuotaUsage;
import dev.tenantlimit.limiter.RateLimitDecision;
import dev.tenantlimit.limiter.RateLimiterUnavailableException;
import dev.tenantlimit.quota.Algorithm;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.testapp.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.ArrayOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The Lua script against the local Redis (127.0.0.1:6379). */
class RedisSlidingWindowRateLimiterIntegrationTests {

	private static LettuceConnectionFactory connectionFactory;

	private static StringRedisTemplate redis;

	private final String prefix = "tl-test-" + UUID.randomUUID() + ":";

	private final RedisSlidingWindowRateLimiter limiter = new RedisSlidingWindowRateLimiter(connectionFactory, this.prefix);

	@BeforeAll
	static void connect() {
		connectionFactory = TestRedis.connect(TestRedis.port());
		redis = new StringRedisTemplate(connectionFactory);
	}

	@AfterAll
	static void disconnect() {
		connectionFactory.destroy();
	}

	@Test
	void loadsTheScriptAgainWhenRedisForgotIt() {
		Quota twoPerMinute = Quota.of(2, Duration.ofMinutes(1));
		assertThat(this.limiter.tryAcquire("acme", List.of(twoPerMinute)).allowed()).isTrue();
		redis.execute((RedisCallback<Object>) (connection) -> {
			connection.scriptingCommands().scriptFlush();
			return null;
		});
		assertThat(this.limiter.tryAcquire("acme", List.of(twoPerMinute)).allowed()).isTrue();
		assertThat(this.limiter.tryAcquire("acme", List.of(twoPerMinute)).allowed()).isFalse();
	}

	@Test
	void decidesByCallingAFunction() {
		Quota twoPerMinute = Quota.of(2, Duration.ofMinutes(1));
		long before = commandCalls("fcall");
		assertThat(this.limiter.tryAcquire("acme", List.of(twoPerMinute)).allowed()).isTrue();
		assertThat(this.limiter.tryAcquire("acme", List.of(twoPerMinute)).allowed()).isTrue();
		assertThat(commandCalls("fcall") - before).isGreaterThanOrEqualTo(2);
	}

	@Test
	void loadsTheFunctionAgainWhenRedisForgotIt() {
		Quota twoPerMinute = Quota.of(2, Duration.ofMinutes(1));
		assertThat(this.limiter.tryAcquire("acme", List.of(twoPerMinute)).allowed()).isTrue();
		redis.execute((RedisCallback<Object>) (connection) -> connection.execute("FUNCTION", "FLUSH".getBytes()));
		assertThat(this.limiter.tryAcquire("acme", List.of(twoPerMinute)).allowed()).isTrue();
		assertThat(this.limiter.tryAcquire("acme", List.of(twoPerMinute)).allowed()).isFalse();
	}

	@Test
	void callsThatFindTheFunctionMissingTogetherLoadItOnce() throws Exception {
		Quota perMinute = Quota.of(1000, Duration.ofMinutes(1));
		assertThat(this.limiter.tryAcquire("acme", List.of(perMinute)).allowed()).isTrue();
		redis.execute((RedisCallback<Object>) (connection) -> connection.execute("FUNCTION", "FLUSH".getBytes()));
		long loadsBefore = commandCalls("function|load");
		int callers = 16;
		ExecutorService pool = Executors.newFixedThreadPool(callers);
		try {
			java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(callers);
			List<Future<Boolean>> outcomes = new ArrayList<>();
			for (int i = 0; i < callers; i++) {
				outcomes.add(pool.submit(() -> {
					start.await();
					return this.limiter.tryAcquire("acme", List.of(perMinute)).allowed();
				}));
			}
			for (Future<Boolean> outcome : outcomes) {
				assertThat(outcome.get()).isTrue();
			}
		}
		finally {
			pool.shutdownNow();
		}
		// one, or a few when a caller's "not found" is handled after the load ended; 16 without
		assertThat(commandCalls("function|load") - loadsBefore).isBetween(1L, 8L);
	}

	@Test
	void decidesWithAScriptWhereRedisHasNoFunctions() {
		// a user whom Redis does not let call functions stands for a server without them (Redis 6)
		String user = "tl-no-functions-" + UUID.randomUUID();
		acl("SETUSER", user, "on", ">secret", "~*", "&*", "+@all", "-fcall", "-function");
		LettuceConnectionFactory scriptsOnly = connectAs(user);
		try {
			RedisSlidingWindowRateLimiter limiter = new RedisSlidingWindowRateLimiter(scriptsOnly, this.prefix);
			Quota twoPerMinute = Quota.of(2, Duration.ofMinutes(1));
			List<Boolean> outcomes = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				outcomes.add(limiter.tryAcquire("acme", List.of(twoPerMinute)).allowed());
			}
			assertThat(outcomes).containsExactly(true, true, false);
		}
		finally {
			scriptsOnly.destroy();
			acl("DELUSER", user);
		}
	}

	@Test
	void aUserWithoutTheKeysGetsAFailureForTheFailModeNotAnError() {
		// NOPERM about keys, not about functions: decided by the fail mode, and functions stay on
		String user = "tl-no-keys-" + UUID.randomUUID();
		acl("SETUSER", user, "on", ">secret", "~elsewhere:*", "&*", "+@all");
		LettuceConnectionFactory noKeys = connectAs(user);
		try {
			RedisSlidingWindowRateLimiter limiter = new RedisSlidingWindowRateLimiter(noKeys, this.prefix);
			Quota twoPerMinute = Quota.of(2, Duration.ofMinutes(1));
			assertThatExceptionOfType(RateLimiterUnavailableException.class)
				.isThrownBy(() -> limiter.tryAcquire("acme", List.of(twoPerMinute)));
			assertThatExceptionOfType(RateLimiterUnavailableException.class)
				.isThrownBy(() -> limiter.charge("acme", List.of(twoPerMinute.withCharged(true)), 3));
		}
		finally {
			noKeys.destroy();
			acl("DELUSER", user);
		}
	}

	@Test
	void onlyARefusalOfTheCommandItselfMeansNoFunctions() {
		assertThat(LettuceFunctions.hasNoFunctions(new Exception("ERR unknown command 'FCALL', with args beginning with: 'x'")))
			.isTrue();
		assertThat(LettuceFunctions.hasNoFunctions(new Exception("ERR unknown command `FCALL`, with args beginning with: `x`")))
			.isTrue();
		assertThat(LettuceFunctions.hasNoFunctions(new Exception("unsupported command 'fcall'"))).isTrue();
		assertThat(LettuceFunctions.hasNoFunctions(
				new Exception("NOPERM User u has no permissions to run the 'fcall' command"))).isTrue();
		assertThat(LettuceFunctions.hasNoFunctions(
				new Exception("NOPERM this user has no permissions to run the 'function|load' command"))).isTrue();
		assertThat(LettuceFunctions.hasNoFunctions(
				new Exception("NOPERM No permissions to access a key script: tenantlimit_decide_0, on @user_function"))).isFalse();
		assertThat(LettuceFunctions.hasNoFunctions(new Exception("OOM command not allowed when used memory > 'maxmemory'")))
			.isFalse();
		assertThat(LettuceFunctions.hasNoFunctions(new Exception("ERR unknown command 'FOO'"))).isFalse();
		assertThat(LettuceFunctions.hasNoFunctions(null)).isFalse();
	}

	private static LettuceConnectionFactory connectAs(String user) {
		RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration("127.0.0.1", TestRedis.port());
		configuration.setUsername(user);
		configuration.setPassword("secret");
		LettuceConnectionFactory factory = new LettuceConnectionFactory(configuration);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	private static long commandCalls(String command) {
		String stats = redis.execute((RedisCallback<String>) (connection) -> connection.serverCommands()
			.info("commandstats")
			.getProperty("cmdstat_" + command));
		if (stats == null) {
			return 0;
		}
		return Long.parseLong(stats.replaceAll("^calls=(\\d+),.*", "$1"));
	}

	private static void acl(String... words) {
		RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", TestRedis.port()));
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8);
			for (String word : words) {
				args.add(word);
			}
			connection.sync().dispatch(CommandType.ACL, new ArrayOutput<>(StringCodec.UTF8), args);
		}
		finally {
			client.shutdown();
		}
	}

	@Test
	void admitsExactlyTheLimitInAWindow() {
		Quota fivePerMinute = Quota.of(5, Duration.ofMinutes(1));
		List<Boolean> outcomes = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			outcomes.add(this.limiter.tryAcquire("acme", List.of(fivePerMinute)).allowed());
		}
		assertThat(outcomes).containsExactly(true, true, true, true, true, false, false, false);
		assertThat(redis.opsForZSet().size(this.limiter.key("acme", fivePerMinute))).isEqualTo(5);
	}

	@Test
	void reportsUsageAndTimeUntilReset() {
		Quota tenPerMinute = Quota.of(10, Duration.ofMinutes(1));
		this.limiter.tryAcquire("acme", List.of(tenPerMinute));
		RateLimitDecision decision = this.limiter.tryAcquire("acme", List.of(tenPerMinute));
		QuotaUsage usage = decision.usages().get(0);
		assertThat(usage.used()).isEqualTo(2);
		assertThat(usage.remaining()).isEqualTo(8);
		assertThat(usage.resetAfter()).isEqualTo(Duration.ofMinutes(1));
		assertThat(decision.retryAfter()).isZero();
	}

	@Test
	void refusalCarriesTheTimeUntilTheOldestEntryLeaves() {
		Quota twoPer10s = Quota.of(2, Duration.ofSeconds(10));
		this.limiter.tryAcquire("acme", List.of(twoPer10s));
		this.limiter.tryAcquire("acme", List.of(twoPer10s));
		RateLimitDecision refused = this.limiter.tryAcquire("acme", List.of(twoPer10s));
		assertThat(refused.allowed()).isFalse();
		assertThat(refused.retryAfter()).isBetween(Duration.ofSeconds(9), Duration.ofSeconds(10));
		assertThat(refused.violated()).hasSize(1);
	}

	@Test
	void windowSlidesInsteadOfResetting() throws InterruptedException {
		Quota threePer3s = Quota.of(3, Duration.ofSeconds(3));
		assertAllowed(threePer3s, 2);
		Thread.sleep(1500);
		assertAllowed(threePer3s, 1);
		assertThat(this.limiter.tryAcquire("acme", List.of(threePer3s)).allowed()).isFalse();
		Thread.sleep(1700);
		// the first two have left the window, the third (1.5 s younger) has not: exactly 2 fit,
		// where a fixed window would have reset to 3
		assertAllowed(threePer3s, 2);
		assertThat(this.limiter.tryAcquire("acme", List.of(threePer3s)).allowed()).isFalse();
	}

	@Test
	void refusalByOneQuotaRecordsInNone() {
		Quota tenPerMinute = Quota.of(10, Duration.ofMinutes(1));
		Quota twoPerMinuteForWrites = new Quota(null, 2, Duration.ofMinutes(1), "/api/**", java.util.Set.of("POST"));
		List<Quota> both = List.of(tenPerMinute, twoPerMinuteForWrites);
		assertAllowed(both, 2);
		RateLimitDecision refused = this.limiter.tryAcquire("acme", both);
		assertThat(refused.allowed()).isFalse();
		assertThat(refused.violated()).extracting(QuotaUsage::quota).containsExactly(twoPerMinuteForWrites);
		assertThat(redis.opsForZSet().size(this.limiter.key("acme", tenPerMinute))).isEqualTo(2);
		assertThat(this.limiter.tryAcquire("acme", List.of(tenPerMinute)).usages().get(0).used()).isEqualTo(3);
	}

	@Test
	void loweredLimitWaitsForTheEntryThatMustExpire() throws InterruptedException {
		Quota fivePer20s = Quota.of(5, Duration.ofSeconds(20));
		assertAllowed(fivePer20s, 3);
		Thread.sleep(1500);
		assertAllowed(fivePer20s, 2);
		Duration full = this.limiter.tryAcquire("acme", List.of(fivePer20s)).retryAfter();
		// same counter, limit lowered to 2: the 4th entry, 1.5 s younger than the 1st, must expire
		Duration lowered = this.limiter.tryAcquire("acme", List.of(Quota.of(2, Duration.ofSeconds(20)))).retryAfter();
		assertThat(lowered.minus(full)).isBetween(Duration.ofMillis(1300), Duration.ofMillis(1700));
	}

	@Test
	void keysShareTheTenantHashTagAndExpireAfterTheirWindow() {
		Quota perMinute = Quota.of(10, Duration.ofMinutes(1));
		this.limiter.tryAcquire("acme", List.of(perMinute));
		String key = this.limiter.key("acme", perMinute);
		assertThat(key).isEqualTo(this.prefix + "{acme}:w60000");
		Long ttl = redis.getExpire(key, java.util.concurrent.TimeUnit.MILLISECONDS);
		assertThat(ttl).isBetween(59_000L, 61_000L);
	}

	/** Two keys written by one call (a tenant's two quotas) get expiries of their own. */
	@Test
	void keysWrittenTogetherExpireApart() {
		this.limiter.setExpiryJitter(Duration.ofSeconds(10));
		List<Quota> quotas = List.of(Quota.of(10, Duration.ofMinutes(1)), Quota.of(100, Duration.ofMinutes(1)).withAlgorithm(Algorithm.SLIDING_COUNTER, 0));
		java.util.Set<Long> differences = new java.util.HashSet<>();
		long mostOverLog = 0;
		long mostOverCounter = 0;
		for (int i = 0; i < 5; i++) {
			String tenant = "jitter-" + i;
			this.limiter.tryAcquire(tenant, quotas);
			long log = redis.getExpire(this.limiter.key(tenant, quotas.get(0)), java.util.concurrent.TimeUnit.MILLISECONDS);
			long counter = redis.getExpire(this.limiter.key(tenant, quotas.get(1)),
					java.util.concurrent.TimeUnit.MILLISECONDS);
			// the window and a second, then up to the jitter more (the counter also a sub-window)
			assertThat(log).isBetween(59_000L, 71_000L);
			assertThat(counter).isBetween(65_000L, 77_000L);
			differences.add(Math.abs(counter - 6000 - log) / 100);
			mostOverLog = Math.max(mostOverLog, log - 61_000);
			mostOverCounter = Math.max(mostOverCounter, counter - 67_000);
		}
		// each key gets a jitter of its own: in five draws of up to 10 s, one is above a second
		assertThat(mostOverLog).as("the log's jitter").isGreaterThan(1000);
		assertThat(mostOverCounter).as("the counter's jitter").isGreaterThan(1000);
		// without jitter every difference would be the same (the sub-window, 6 s): here they spread
		assertThat(differences).hasSizeGreaterThan(1);
	}

	@Test
	void shadowQuotaReportsWouldBeRefusalsButNeverRefuses() {
		Quota enforced = Quota.of(10, Duration.ofMinutes(1));
		Quota shadow = new Quota(null, 2, Duration.ofSeconds(30), "/**", java.util.Set.of(), true);
		List<Integer> wouldRefuse = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			RateLimitDecision decision = this.limiter.tryAcquire("acme", List.of(enforced, shadow));
			assertThat(decision.allowed()).isTrue();
			assertThat(decision.violated()).isEmpty();
			wouldRefuse.add(decision.shadowViolated().size());
		}
		assertThat(wouldRefuse).containsExactly(0, 0, 1, 1, 1);
		// the shadow log holds what enforcing it would have admitted
		assertThat(redis.opsForZSet().size(this.limiter.key("acme", shadow))).isEqualTo(2);
		assertThat(redis.opsForZSet().size(this.limiter.key("acme", enforced))).isEqualTo(5);
	}

	@Test
	void concurrentCallersNeverExceedTheLimit() throws Exception {
		Quota fiftyPerMinute = Quota.of(50, Duration.ofMinutes(1));
		ExecutorService pool = Executors.newFixedThreadPool(16);
		try {
			List<Callable<Boolean>> calls = new ArrayList<>();
			for (int i = 0; i < 400; i++) {
				calls.add(() -> this.limiter.tryAcquire("hot", List.of(fiftyPerMinute)).allowed());
			}
			long admitted = 0;
			for (Future<Boolean> outcome : pool.invokeAll(calls)) {
				admitted += outcome.get() ? 1 : 0;
			}
			assertThat(admitted).isEqualTo(50);
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void unreachableRedisIsReportedAsUnavailable() {
		LettuceConnectionFactory dead = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 1),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofMillis(200)).build());
		dead.afterPropertiesSet();
		dead.start();
		try {
			RedisSlidingWindowRateLimiter unreachable = new RedisSlidingWindowRateLimiter(dead, this.prefix);
			assertThatExceptionOfType(RateLimiterUnavailableException.class)
				.isThrownBy(() -> unreachable.tryAcquire("acme", List.of(Quota.of(1, Duration.ofMinutes(1)))));
		}
		finally {
			dead.destroy();
		}
	}

	private void assertAllowed(Quota quota, int times) {
		assertAllowed(List.of(quota), times);
	}

	private void assertAllowed(List<Quota> quotas, int times) {
		for (int i = 0; i < times; i++) {
			assertThat(this.limiter.tryAcquire("acme", quotas).allowed()).as("request %d", i + 1).isTrue();
		}
	}

}
