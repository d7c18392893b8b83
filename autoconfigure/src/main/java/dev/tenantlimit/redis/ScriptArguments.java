package dev.tenantlimit.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import dev.tenantlimit.quota.AlgorithmSettings;
import dev.tenantlimit.quota.Quota;

/**
 * The keys and arguments of {@code sliding_window.lua} and {@code write_back.lua} for a tenant's
 * quotas (their layout is in the scripts' header comments): one place that knows how a quota is
 * spelled to Redis.
 */
final class ScriptArguments {

	private final String keyPrefix;

	private final AlgorithmSettings algorithms;

	private final String instanceId;

	private final AtomicLong sequence;

	/** The most milliseconds added at random to each key's expiry (see {@link #jitter()}). */
	private volatile long expiryJitterMillis;

	/**
	 * @param instanceId unique to this limiter, so members written back do not collide
	 * @param sequence the limiter's counter of members
	 */
	ScriptArguments(String keyPrefix, AlgorithmSettings algorithms, String instanceId, AtomicLong sequence) {
		this.keyPrefix = keyPrefix;
		this.algorithms = algorithms;
		this.instanceId = instanceId;
		this.sequence = sequence;
	}

	/**
	 * Keys written together (a tenant's quotas, tenants created at once) would expire together,
	 * and Redis would reclaim them in one burst: each key's expiry gets from 0 to this much more.
	 */
	void expiryJitter(long millis) {
		this.expiryJitterMillis = millis;
	}

	/** Milliseconds more for one key's expiry, drawn for each key written. */
	private String jitter() {
		long most = this.expiryJitterMillis;
		return (most > 0) ? Long.toString(ThreadLocalRandom.current().nextLong(most + 1)) : "0";
	}

	/** The key of one shard of this tenant's counter of this quota. */
	String key(String tenantId, Quota quota, int shard, int shards) {
		String tag = (shards == 1) ? tenantId : tenantId + '~' + shard;
		return this.keyPrefix + '{' + tag + "}:" + this.algorithms.counterKey(quota);
	}

	List<String> keys(String tenantId, List<Quota> quotas, int shard, int shards) {
		List<String> keys = new ArrayList<>(quotas.size());
		for (Quota quota : quotas) {
			keys.add(key(tenantId, quota, shard, shards));
		}
		return keys;
	}

	/**
	 * ARGV of sliding_window.lua: the member (empty to only read), the deadline, the permits
	 * wanted, the lease in µs (0 for one request decided now), whether the first permit is used
	 * now, seven per quota.
	 */
	Object[] decision(String member, long deadline, int permits, long leaseMicros, boolean firstNow,
			List<Quota> quotas, int shard, int shards) {
		Object[] args = new Object[5 + 7 * quotas.size()];
		args[0] = member;
		args[1] = Long.toString(deadline);
		args[2] = Integer.toString(permits);
		args[3] = Long.toString(leaseMicros);
		args[4] = firstNow ? "1" : "0";
		for (int i = 0; i < quotas.size(); i++) {
			Quota quota = quotas.get(i);
			int at = 5 + 7 * i;
			args[at] = algorithmCode(quota);
			args[at + 1] = Long.toString(part(quota.limit(), shard, shards));
			args[at + 2] = Long.toString(quota.window().toNanos() / 1000);
			args[at + 3] = quota.shadow() ? "1" : "0";
			args[at + 4] = extra(quota, shard, shards);
			args[at + 5] = jitter();
			args[at + 6] = Long.toString(quota.cost());
		}
		return args;
	}

	/** The first six arguments of write_back.lua; (age, count) pairs follow. */
	List<Object> writeBackHead(Quota quota, int shard, int shards) {
		return List.of(algorithmCode(quota), Long.toString(part(quota.limit(), shard, shards)),
				Long.toString(quota.window().toNanos() / 1000), extra(quota, shard, shards),
				this.instanceId + ":wb" + this.sequence.incrementAndGet() + ':', jitter());
	}

	/** ARGV of charge.lua: the units, a member prefix, five per quota. */
	Object[] charge(long units, List<Quota> quotas, int shard, int shards) {
		Object[] args = new Object[2 + 5 * quotas.size()];
		args[0] = Long.toString(units);
		args[1] = this.instanceId + ":ch" + this.sequence.incrementAndGet() + ':';
		for (int i = 0; i < quotas.size(); i++) {
			Quota quota = quotas.get(i);
			int at = 2 + 5 * i;
			args[at] = algorithmCode(quota);
			args[at + 1] = Long.toString(part(quota.limit(), shard, shards));
			args[at + 2] = Long.toString(quota.window().toNanos() / 1000);
			args[at + 3] = extra(quota, shard, shards);
			args[at + 4] = jitter();
		}
		return args;
	}

	/** ARGV of return_permits.lua: the lease's member, first unused permit, count, end, four per quota. */
	Object[] release(String member, int firstUnused, int unused, long endMicros, List<Quota> quotas) {
		Object[] args = new Object[4 + 4 * quotas.size()];
		args[0] = member;
		// sliding_window.lua numbers a lease's entries from 1
		args[1] = Integer.toString(firstUnused + 1);
		args[2] = Integer.toString(unused);
		args[3] = Long.toString(endMicros);
		for (int i = 0; i < quotas.size(); i++) {
			Quota quota = quotas.get(i);
			int at = 4 + 4 * i;
			args[at] = algorithmCode(quota);
			args[at + 1] = Long.toString(quota.window().toNanos() / 1000);
			args[at + 2] = extra(quota, 0, 1);
			args[at + 3] = Long.toString(quota.cost());
		}
		return args;
	}

	/** Part {@code shard} of {@code total} split into {@code shards} parts that add up to it. */
	static long part(long total, int shard, int shards) {
		return total / shards + ((shard < total % shards) ? 1 : 0);
	}

	private String algorithmCode(Quota quota) {
		return switch (this.algorithms.algorithm(quota)) {
			case SLIDING_COUNTER -> "2";
			case TOKEN_BUCKET -> "3";
			default -> "1";
		};
	}

	/** The sub-windows of a sliding counter, a token bucket's size, nothing for the log. */
	private String extra(Quota quota, int shard, int shards) {
		return switch (this.algorithms.algorithm(quota)) {
			case SLIDING_COUNTER -> Integer.toString(this.algorithms.subWindows());
			case TOKEN_BUCKET -> Long.toString(part(quota.capacity(), shard, shards));
			default -> "0";
		};
	}

}
