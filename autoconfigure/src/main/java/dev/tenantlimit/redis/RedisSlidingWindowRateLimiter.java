package dev.tenantlimit.redis;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.tenantlimit.lease.PermitSource;
import dev.tenantlimit.limiter.Charger;
import dev.tenantlimit.lease.Reservation;
import dev.tenantlimit.limiter.LocalAdmissions;
import dev.tenantlimit.limiter.QuotaUsage;
import dev.tenantlimit.limiter.QuotaUsageReader;
import dev.tenantlimit.limiter.RateLimitDecision;
import dev.tenantlimit.limiter.RateLimiterUnavailableException;
import dev.tenantlimit.limiter.RateLimiterUnavailableException.Reason;
import dev.tenantlimit.quota.AlgorithmSettings;
import dev.tenantlimit.quota.Quota;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.util.ClassUtils;

/**
 * A {@link RateLimiter} that keeps each tenant's counters in Redis and decides every request with
 * one call of {@code sliding_window.lua} (a Redis function with Lettuce on Redis 7, else a script:
 * {@link LuaFunction}): a sorted set per quota for the sliding log, a small hash for the sliding
 * counter and the token bucket. Keys are {@code <prefix>{<tenant>}:<counter key>}: the braces are a
 * Redis Cluster hash tag, so one tenant's keys share a slot and one script can touch them all.
 *
 * <p>A tenant whose quotas have {@code shards} k &gt; 1 has k sets of keys, tagged
 * {@code {<tenant>~0}} to {@code {<tenant>~k-1}} and so in k slots; each request goes to the next
 * shard in turn and each shard enforces its part of every limit (the parts add up to the limit).
 *
 * <p>Each call carries a deadline on Redis's clock, estimated from earlier replies: a call that
 * runs after this instance stopped waiting for it records nothing, so a request decided by the
 * fallback because its reply was late is not counted twice.
 */
public class RedisSlidingWindowRateLimiter implements PermitSource, QuotaUsageReader, Charger {

	static final LuaFunction DECIDE = LuaFunction.load("sliding_window.lua", "decide");

	private static final RedisScript<Long> WRITE_BACK = LuaScripts.load("bucket_level.lua", "write_back.lua", Long.class);

	private static final RedisScript<Long> RETURN_PERMITS = LuaScripts.load("return_permits.lua", Long.class);

	private static final RedisScript<Long> CHARGE = LuaScripts.load("bucket_level.lua", "charge.lua", Long.class);

	/** Most units one charge counts: a larger one refuses nothing more. */
	static final long MAX_CHARGE = 1_000_000_000_000L;

	/** Reply of a call that ran after its deadline. */
	private static final long EXPIRED = -1;

	/** Where the quotas start in a reply: permits granted, retry-after, Redis's time, then three per quota. */
	private static final int HEAD = 3;

	private static final String READ_ONLY = "";

	private final StringRedisTemplate redis;

	private static final boolean LETTUCE_PRESENT = ClassUtils.isPresent("io.lettuce.core.RedisFuture",
			RedisSlidingWindowRateLimiter.class.getClassLoader());

	private final @Nullable LettuceScriptRunner lettuce;

	private final Duration timeout;

	private final ScriptArguments scriptArguments;

	private final String instanceId = Long.toHexString(ThreadLocalRandom.current().nextLong());

	private final AtomicLong sequence = new AtomicLong();

	private final AtomicInteger nextShard = new AtomicInteger(ThreadLocalRandom.current().nextInt(Quota.MAX_SHARDS));

	private final RedisClock clock;

	/**
	 * @param connectionFactory the connection to Redis; with Lettuce, decisions wait at most
	 * {@code timeout} for the reply (Lettuce's async API, without tying up another thread), else the
	 * connection's own command timeout applies
	 * @param keyPrefix prefix of every key
	 * @param timeout longest wait for a decision
	 * @param algorithms how {@code auto} quotas are counted and how fine a sliding counter is
	 */
	public RedisSlidingWindowRateLimiter(RedisConnectionFactory connectionFactory, String keyPrefix, Duration timeout,
			AlgorithmSettings algorithms) {
		this.redis = new StringRedisTemplate(connectionFactory);
		this.lettuce = (LETTUCE_PRESENT && connectionFactory instanceof LettuceConnectionFactory factory)
				? new LettuceScriptRunner(factory, timeout) : null;
		this.timeout = timeout;
		this.clock = new RedisClock(timeout);
		this.scriptArguments = new ScriptArguments(keyPrefix, algorithms, this.instanceId, this.sequence);
	}

	public RedisSlidingWindowRateLimiter(RedisConnectionFactory connectionFactory, String keyPrefix) {
		this(connectionFactory, keyPrefix, Duration.ofSeconds(1), AlgorithmSettings.DEFAULTS);
	}

	/** Add from 0 to {@code jitter} at random to each key's expiry (none by default). */
	public void setExpiryJitter(Duration jitter) {
		this.scriptArguments.expiryJitter(Math.max(0, jitter.toMillis()));
	}

	@Override
	public RateLimitDecision tryAcquire(String tenantId, List<Quota> quotas) {
		return decide(tenantId, quotas, 1, 0, true).decision();
	}

	/** Permits for a lease: one call, on the tenant's only shard (sharded quotas are not leased). */
	@Override
	public Reservation reserve(String tenantId, List<Quota> quotas, int permits, Duration lease,
			boolean firstForRequest) {
		return decide(tenantId, quotas, permits, lease.toNanos() / 1000, firstForRequest);
	}

	@Override
	public void release(String tenantId, List<Quota> quotas, Reservation reservation, int firstUnused, int unused) {
		Object[] args = this.scriptArguments.release(reservation.member(), firstUnused, unused,
				reservation.endMicros(), quotas);
		runForLong(RETURN_PERMITS, this.scriptArguments.keys(tenantId, quotas, 0, 1), args, "Redis could not take the permits back: ");
	}

	private Reservation decide(String tenantId, List<Quota> quotas, int permits, long leaseMicros,
			boolean firstNow) {
		int shards = shards(quotas);
		int shard = (shards == 1) ? 0 : Math.floorMod(this.nextShard.getAndIncrement(), shards);
		String member = this.instanceId + ':' + this.sequence.incrementAndGet();
		long deadline = this.clock.deadline(System.nanoTime(), this.timeout);
		List<Long> reply = execute(this.scriptArguments.keys(tenantId, quotas, shard, shards),
				this.scriptArguments.decision(member, deadline, permits, leaseMicros, firstNow, quotas, shard, shards));
		long now = reply.get(2);
		this.clock.observe(now, System.nanoTime());
		if (reply.get(0) == EXPIRED) {
			// Redis answered, only too late for this call (which recorded nothing): a failure, not silence
			throw new RateLimiterUnavailableException(Reason.FAILED, "Redis ran the decision after its deadline", null);
		}
		checkSize(reply, quotas);
		int granted = reply.get(0).intValue();
		List<QuotaUsage> usages = new ArrayList<>(quotas.size());
		for (int i = 0; i < quotas.size(); i++) {
			Quota quota = quotas.get(i);
			int at = HEAD + 3 * i;
			usages.add(new QuotaUsage(quota, wholeQuota(quota, shard, reply.get(at)), micros(reply.get(at + 1)),
					reply.get(at + 2) == 1));
		}
		RateLimitDecision decision = new RateLimitDecision(granted > 0, usages, micros(reply.get(1)));
		return new Reservation(decision, granted, member, now + leaseMicros);
	}

	@Override
	public boolean reachable() {
		if (this.lettuce != null) {
			return this.lettuce.ping();
		}
		try {
			return "PONG".equals(this.redis.execute((RedisCallback<String>) (connection) -> connection.ping()));
		}
		catch (DataAccessException ex) {
			return false;
		}
	}

	/**
	 * Count {@code units} against {@code quotas} now, whatever room they have: one call of
	 * {@code charge.lua} (one per shard for sharded quotas, each its part of the units).
	 */
	@Override
	public void charge(String tenantId, List<Quota> quotas, long units) {
		// far beyond any limit, and within what Redis's integer counters hold after many charges
		units = Math.min(units, MAX_CHARGE);
		int shards = shards(quotas);
		for (int shard = 0; shard < shards; shard++) {
			long part = part(units, shard, shards);
			if (part > 0) {
				runForLong(CHARGE, this.scriptArguments.keys(tenantId, quotas, shard, shards),
						this.scriptArguments.charge(part, quotas, shard, shards), "Redis could not take the charge: ");
			}
		}
	}

	/** The requests of {@code batch}, spread over the quota's shards as the shared path spreads them. */
	@Override
	public void writeBack(LocalAdmissions.Batch batch) {
		Quota quota = batch.quota();
		int shards = quota.shards();
		for (int shard = 0; shard < shards; shard++) {
			List<Object> head = this.scriptArguments.writeBackHead(quota, shard, shards);
			List<Object> args = new ArrayList<>(head);
			for (int i = 0; i < batch.ages().length; i++) {
				long count = part(batch.counts()[i], shard, shards);
				if (count > 0) {
					args.add(Long.toString(batch.ages()[i] / 1000));
					args.add(Long.toString(count));
				}
			}
			if (args.size() > head.size()) {
				runForLong(WRITE_BACK, List.of(key(batch.tenantId(), quota, shard, shards)), args.toArray(),
						"Redis could not take the write-back: ");
			}
		}
	}

	private void runForLong(RedisScript<Long> script, List<String> keys, Object[] args, String what) {
		try {
			if (this.lettuce != null) {
				this.lettuce.executeForLong(script, keys, args);
			}
			else {
				this.redis.execute(script, keys, args);
			}
		}
		catch (DataAccessException ex) {
			throw unavailable(what, ex);
		}
	}

	@Override
	public List<QuotaUsage> usage(String tenantId, List<Quota> quotas) {
		int shards = shards(quotas);
		long[] used = new long[quotas.size()];
		long[] reset = new long[quotas.size()];
		for (int shard = 0; shard < shards; shard++) {
			List<Long> reply = execute(this.scriptArguments.keys(tenantId, quotas, shard, shards), this.scriptArguments.decision(READ_ONLY, 0, 1, 0, true, quotas, shard, shards));
			checkSize(reply, quotas);
			for (int i = 0; i < quotas.size(); i++) {
				used[i] += reply.get(HEAD + 3 * i);
				reset[i] = Math.max(reset[i], reply.get(HEAD + 1 + 3 * i));
			}
		}
		List<QuotaUsage> usages = new ArrayList<>(quotas.size());
		for (int i = 0; i < quotas.size(); i++) {
			usages.add(new QuotaUsage(quotas.get(i), used[i], micros(reset[i]), used[i] >= quotas.get(i).capacity()));
		}
		return usages;
	}

	@Override
	public void reset(String tenantId, List<Quota> quotas) {
		try {
			// one DEL per slot: shards of one tenant live in different slots of a cluster
			int shards = shards(quotas);
			for (int shard = 0; shard < shards; shard++) {
				this.redis.delete(this.scriptArguments.keys(tenantId, quotas, shard, shards));
			}
		}
		catch (DataAccessException ex) {
			throw unavailable("Redis could not reset usage: ", ex);
		}
	}

	/** The Redis key that counts this tenant's requests under this quota (its first shard). */
	public String key(String tenantId, Quota quota) {
		return key(tenantId, quota, 0, quota.shards());
	}

	/** The Redis key of one shard of this tenant's counter of this quota. */
	public String key(String tenantId, Quota quota, int shard, int shards) {
		return this.scriptArguments.key(tenantId, quota, shard, shards);
	}

	/** Part {@code shard} of {@code total} split into {@code shards} parts that add up to it. */
	static long part(long total, int shard, int shards) {
		return ScriptArguments.part(total, shard, shards);
	}

	/**
	 * The shards of a request's quotas: all quotas of a tenant have the same number (the admin API
	 * and the configuration check it); should they differ, the largest.
	 */
	private static int shards(List<Quota> quotas) {
		int shards = 1;
		for (Quota quota : quotas) {
			shards = Math.max(shards, quota.shards());
		}
		return shards;
	}

	/** What one shard used, scaled to the whole quota: an estimate when the quota is sharded. */
	private static long wholeQuota(Quota quota, int shard, long used) {
		if (quota.shards() == 1) {
			return used;
		}
		long part = part(quota.capacity(), shard, quota.shards());
		return (part == 0) ? used : Math.round((double) used * quota.capacity() / part);
	}

	@SuppressWarnings("unchecked")
	private List<Long> execute(List<String> keys, Object[] args) {
		List<Long> reply;
		try {
			reply = (this.lettuce != null) ? this.lettuce.call(DECIDE, keys, args)
					: this.redis.execute(DECIDE.script(), keys, args);
		}
		catch (DataAccessException ex) {
			throw unavailable("Redis could not decide: ", ex);
		}
		if (reply == null || reply.size() < HEAD) {
			throw new RateLimiterUnavailableException("Unexpected reply from sliding_window.lua: " + reply, null);
		}
		return reply;
	}

	private static void checkSize(List<Long> reply, List<Quota> quotas) {
		if (reply.size() != HEAD + 3 * quotas.size()) {
			throw new RateLimiterUnavailableException("Unexpected reply from sliding_window.lua: " + reply, null);
		}
	}

	/** A failure of Spring Data Redis (no Lettuce) as the failover needs to know it. */
	private static RateLimiterUnavailableException unavailable(String what, DataAccessException ex) {
		Reason reason = (ex instanceof RedisConnectionFailureException) ? Reason.UNREACHABLE
				: (ex instanceof QueryTimeoutException) ? Reason.LATE : Reason.FAILED;
		return new RateLimiterUnavailableException(reason, what + ex.getMessage(), ex);
	}

	private static Duration micros(long micros) {
		// not ofNanos(micros * 1000), which wraps for a wait past 292 years
		return Duration.of(micros, ChronoUnit.MICROS);
	}

}
