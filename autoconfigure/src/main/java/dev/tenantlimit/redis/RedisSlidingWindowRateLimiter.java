package dev.tenantlimit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import dev.tenantlimit.limiter.QuotaUsage;
import dev.tenantlimit.limiter.QuotaUsageReader;
import dev.tenantlimit.limiter.RateLimitDecision;
import dev.tenantlimit.limiter.RateLimiter;
import dev.tenantlimit.limiter.RateLimiterUnavailableException;
import dev.tenantlimit.quota.Quota;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * A {@link RateLimiter} that keeps one Redis sorted set per tenant and quota and decides every
 * request with one call of {@code sliding_window.lua} (EVALSHA, falling back to EVAL once when
 * Redis does not know the script yet). Keys are {@code <prefix>{<tenant>}:<counter key>}: the
 * braces are a Redis Cluster hash tag, so one tenant's keys share a slot and one script can
 * touch them all.
 */
public class RedisSlidingWindowRateLimiter implements RateLimiter, QuotaUsageReader {

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> SCRIPT = LuaScripts.load("sliding_window.lua", List.class);

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> USAGE_SCRIPT = LuaScripts.load("usage.lua", List.class);

	private final StringRedisTemplate redis;

	private final @Nullable ReactiveStringRedisTemplate reactive;

	private final String keyPrefix;

	private final Duration timeout;

	private final String instanceId = Long.toHexString(ThreadLocalRandom.current().nextLong());

	private final AtomicLong sequence = new AtomicLong();

	/**
	 * @param redis for the admin reads and resets, and for decisions when {@code reactive} is
	 * {@code null}; then the connection's own command timeout applies
	 * @param reactive for decisions, so that waiting for Redis is bounded by {@code timeout}
	 * without holding a thread beyond it
	 * @param keyPrefix prefix of every key
	 * @param timeout longest wait for a decision
	 */
	public RedisSlidingWindowRateLimiter(StringRedisTemplate redis, @Nullable ReactiveStringRedisTemplate reactive,
			String keyPrefix, Duration timeout) {
		this.redis = redis;
		this.reactive = reactive;
		this.keyPrefix = keyPrefix;
		this.timeout = timeout;
	}

	public RedisSlidingWindowRateLimiter(StringRedisTemplate redis, String keyPrefix) {
		this(redis, null, keyPrefix, Duration.ofSeconds(1));
	}

	@Override
	public RateLimitDecision tryAcquire(String tenantId, List<Quota> quotas) {
		List<String> keys = new ArrayList<>(quotas.size());
		Object[] args = new Object[1 + 3 * quotas.size()];
		args[0] = this.instanceId + ':' + this.sequence.incrementAndGet();
		for (int i = 0; i < quotas.size(); i++) {
			Quota quota = quotas.get(i);
			keys.add(key(tenantId, quota));
			args[1 + 3 * i] = Long.toString(quota.limit());
			args[2 + 3 * i] = Long.toString(quota.window().toNanos() / 1000);
			args[3 + 3 * i] = quota.shadow() ? "1" : "0";
		}
		return decision(quotas, execute(keys, args));
	}

	@Override
	@SuppressWarnings("unchecked")
	public List<QuotaUsage> usage(String tenantId, List<Quota> quotas) {
		List<String> keys = quotas.stream().map((quota) -> key(tenantId, quota)).toList();
		Object[] windows = quotas.stream().map((quota) -> Long.toString(quota.window().toNanos() / 1000)).toArray();
		List<Long> reply;
		try {
			reply = this.redis.execute(USAGE_SCRIPT, keys, windows);
		}
		catch (DataAccessException ex) {
			throw new RateLimiterUnavailableException("Redis could not read usage: " + ex.getMessage(), ex);
		}
		List<QuotaUsage> usages = new ArrayList<>(quotas.size());
		for (int i = 0; i < quotas.size(); i++) {
			long used = reply.get(2 * i);
			usages.add(new QuotaUsage(quotas.get(i), used, micros(reply.get(2 * i + 1)), used >= quotas.get(i).limit()));
		}
		return usages;
	}

	@Override
	public void reset(String tenantId, List<Quota> quotas) {
		try {
			this.redis.delete(quotas.stream().map((quota) -> key(tenantId, quota)).toList());
		}
		catch (DataAccessException ex) {
			throw new RateLimiterUnavailableException("Redis could not reset usage: " + ex.getMessage(), ex);
		}
	}

	/** The Redis key that counts this tenant's requests under this quota. */
	public String key(String tenantId, Quota quota) {
		return this.keyPrefix + '{' + tenantId + "}:" + quota.counterKey();
	}

	private List<Long> execute(List<String> keys, Object[] args) {
		List<Long> reply;
		try {
			reply = (this.reactive != null) ? executeReactive(this.reactive, keys, args)
					: this.redis.execute(SCRIPT, keys, args);
		}
		catch (DataAccessException ex) {
			throw new RateLimiterUnavailableException("Redis could not decide: " + ex.getMessage(), ex);
		}
		if (reply == null || reply.size() != 2 + 3 * keys.size()) {
			throw new RateLimiterUnavailableException("Unexpected reply from sliding_window.lua: " + reply, null);
		}
		return reply;
	}

	@SuppressWarnings("unchecked")
	private List<Long> executeReactive(ReactiveStringRedisTemplate reactive, List<String> keys, Object[] args) {
		return reactive.execute(SCRIPT, keys, Arrays.asList(args))
			.next()
			.timeout(this.timeout)
			.onErrorMap(TimeoutException.class, (ex) -> new RateLimiterUnavailableException(
					"Redis did not answer within " + this.timeout.toMillis() + " ms", ex))
			.block();
	}

	private static RateLimitDecision decision(List<Quota> quotas, List<Long> reply) {
		boolean allowed = reply.get(0) == 1;
		List<QuotaUsage> usages = new ArrayList<>(quotas.size());
		for (int i = 0; i < quotas.size(); i++) {
			usages.add(new QuotaUsage(quotas.get(i), reply.get(2 + 3 * i), micros(reply.get(3 + 3 * i)),
					reply.get(4 + 3 * i) == 1));
		}
		return new RateLimitDecision(allowed, usages, micros(reply.get(1)));
	}

	private static Duration micros(long micros) {
		return Duration.ofNanos(micros * 1000);
	}

}
