package dev.tenantlimit.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

import dev.tenantlimit.limiter.ConcurrencyLeases;
import dev.tenantlimit.limiter.RateLimiterUnavailableException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * {@link ConcurrencyLeases} in Redis: one sorted set per tenant and kind,
 * {@code <prefix>{<tenant>}:inflight:<kind>}, of leases scored by their expiry. Taking a lease is
 * one call of {@code lease.lua}; giving it back is sent without waiting for the answer.
 */
public class RedisConcurrencyLeases implements ConcurrencyLeases {

	private static final Log logger = LogFactory.getLog(RedisConcurrencyLeases.class);

	private static final RedisScript<Long> SCRIPT = LuaScripts.load("lease.lua", Long.class);

	private final ReactiveStringRedisTemplate redis;

	private final String keyPrefix;

	private final Duration leaseTimeout;

	private final Duration timeout;

	/**
	 * @param leaseTimeout how long a lease lasts when it is not given back: longer than the
	 * slowest request
	 * @param timeout longest wait for Redis to grant a lease
	 */
	public RedisConcurrencyLeases(ReactiveStringRedisTemplate redis, String keyPrefix, Duration leaseTimeout,
			Duration timeout) {
		this.redis = redis;
		this.keyPrefix = keyPrefix;
		this.leaseTimeout = leaseTimeout;
		this.timeout = timeout;
	}

	@Override
	public boolean tryAcquire(String tenantId, String kind, String leaseId, int cap) {
		try {
			Long granted = this.redis
				.execute(SCRIPT, List.of(key(tenantId, kind)),
						List.of(leaseId, Integer.toString(cap), Long.toString(this.leaseTimeout.toMillis())))
				.next()
				.timeout(this.timeout)
				.block();
			return granted != null && granted == 1;
		}
		catch (RuntimeException ex) {
			Throwable cause = (ex.getCause() instanceof TimeoutException) ? ex.getCause() : ex;
			throw new RateLimiterUnavailableException("Redis could not grant a lease: " + cause.getMessage(), ex);
		}
	}

	@Override
	public void release(String tenantId, String kind, String leaseId) {
		this.redis.opsForZSet()
			.remove(key(tenantId, kind), leaseId)
			.timeout(this.leaseTimeout)
			.subscribe(null, (ex) -> logger.debug("Lease not given back; it expires by itself: " + ex.getMessage()));
	}

	/** The key of a tenant's leases of one kind. */
	public String key(String tenantId, String kind) {
		return this.keyPrefix + '{' + tenantId + "}:inflight:" + kind;
	}

}
