package dev.tenantlimit.redis;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Counts the live application instances: each one adds itself to a sorted set in Redis every
 * {@code interval} and counts the members seen within three intervals. While Redis is away the
 * last count stands, which is what the local fallback divides quotas by.
 */
public class InstanceHeartbeat implements SmartLifecycle, IntSupplier {

	private static final RedisScript<Long> SCRIPT = LuaScripts.load("heartbeat.lua", Long.class);

	private final StringRedisTemplate redis;

	private final String key;

	private final Duration interval;

	private final String instanceId = UUID.randomUUID().toString();

	private volatile int liveInstances = 1;

	private @Nullable ScheduledExecutorService scheduler;

	public InstanceHeartbeat(StringRedisTemplate redis, String key, Duration interval) {
		this.redis = redis;
		this.key = key;
		this.interval = interval;
	}

	/** The last known number of live instances, at least 1. */
	@Override
	public int getAsInt() {
		return this.liveInstances;
	}

	/** Send one heartbeat now; keeps the last count when Redis cannot be reached. */
	public void beat() {
		try {
			Long count = this.redis.execute(SCRIPT, List.of(this.key), this.instanceId,
					Long.toString(this.interval.toMillis() * 3));
			if (count != null) {
				this.liveInstances = (int) Math.max(1, count);
			}
		}
		catch (RuntimeException ex) {
			// Redis is away (or the connection is closing): the last count stands, and an exception
			// must not end the scheduled beats
		}
	}

	@Override
	public synchronized void start() {
		if (this.scheduler == null) {
			this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "tenantlimit-heartbeat");
				thread.setDaemon(true);
				return thread;
			});
			this.scheduler.scheduleWithFixedDelay(this::beat, 0, this.interval.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public synchronized void stop() {
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
			this.scheduler = null;
			try {
				this.redis.opsForZSet().remove(this.key, this.instanceId);
			}
			catch (DataAccessException ex) {
				// it expires from the set by itself
			}
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.scheduler != null;
	}

}
