package dev.tenantlimit.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.tenantlimit.limiter.RateLimiterUnavailableException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Runs a script through Lettuce's async API on the factory's shared connection (standalone,
 * Sentinel or Cluster) and waits at most the timeout for the reply, on the calling thread: no
 * Reactor operators or timer task per call. EVALSHA, then EVAL once when Redis does not know the
 * script yet (after a restart or SCRIPT FLUSH).
 */
final class LettuceScriptRunner {

	private final LettuceConnectionFactory factory;

	private final RedisScript<?> script;

	private final Duration timeout;

	LettuceScriptRunner(LettuceConnectionFactory factory, RedisScript<?> script, Duration timeout) {
		this.factory = factory;
		this.script = script;
		this.timeout = timeout;
	}

	List<Long> execute(List<String> keys, Object[] args) {
		byte[][] keyBytes = new byte[keys.size()][];
		for (int i = 0; i < keyBytes.length; i++) {
			keyBytes[i] = keys.get(i).getBytes(StandardCharsets.UTF_8);
		}
		byte[][] argBytes = new byte[args.length][];
		for (int i = 0; i < argBytes.length; i++) {
			argBytes[i] = args[i].toString().getBytes(StandardCharsets.UTF_8);
		}
		try (RedisConnection connection = this.factory.getConnection()) {
			@SuppressWarnings("unchecked")
			RedisClusterAsyncCommands<byte[], byte[]> commands = (RedisClusterAsyncCommands<byte[], byte[]>) connection
				.getNativeConnection();
			try {
				return await(commands.evalsha(this.script.getSha1(), ScriptOutputType.MULTI, keyBytes, argBytes));
			}
			catch (RedisNoScriptException ex) {
				return await(commands.eval(this.script.getScriptAsString(), ScriptOutputType.MULTI, keyBytes, argBytes));
			}
		}
	}

	private List<Long> await(RedisFuture<List<Long>> reply) {
		try {
			return reply.get(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			reply.cancel(false);
			throw new RateLimiterUnavailableException("Redis did not answer within " + this.timeout.toMillis() + " ms",
					ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RedisNoScriptException noScript) {
				throw noScript;
			}
			throw new RateLimiterUnavailableException("Redis could not decide: " + ex.getCause().getMessage(),
					ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RateLimiterUnavailableException("Interrupted while waiting for Redis", ex);
		}
	}

}
