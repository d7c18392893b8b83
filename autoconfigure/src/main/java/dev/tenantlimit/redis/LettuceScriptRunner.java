package dev.tenantlimit.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.tenantlimit.limiter.RateLimiterUnavailableException;
import dev.tenantlimit.limiter.RateLimiterUnavailableException.Reason;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Runs scripts through Lettuce's async API on the factory's shared connection (standalone,
 * Sentinel or Cluster) and waits at most the timeout for the reply, on the calling thread: no
 * Reactor operators or timer task per call. EVALSHA, then EVAL once when Redis does not know the
 * script yet (after a restart or SCRIPT FLUSH). A connection that is not open (Lettuce reconnects
 * in the background) fails at once instead of queueing the call until the timeout.
 */
final class LettuceScriptRunner {

	private final LettuceConnectionFactory factory;

	private final Duration timeout;

	LettuceScriptRunner(LettuceConnectionFactory factory, Duration timeout) {
		this.factory = factory;
		this.timeout = timeout;
	}

	/** Run a script whose reply is a list of integers. */
	List<Long> execute(RedisScript<?> script, List<String> keys, Object[] args) {
		return run(script, ScriptOutputType.MULTI, keys, args);
	}

	/** Run a script whose reply is one integer. */
	Long executeForLong(RedisScript<?> script, List<String> keys, Object[] args) {
		return run(script, ScriptOutputType.INTEGER, keys, args);
	}

	/** PING within the timeout; false at once when the connection is not open. */
	boolean ping() {
		try (RedisConnection connection = this.factory.getConnection()) {
			RedisClusterAsyncCommands<byte[], byte[]> commands = commands(connection);
			return "PONG".equals(await(commands.ping()));
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private <T> T run(RedisScript<?> script, ScriptOutputType type, List<String> keys, Object[] args) {
		byte[][] keyBytes = new byte[keys.size()][];
		for (int i = 0; i < keyBytes.length; i++) {
			keyBytes[i] = keys.get(i).getBytes(StandardCharsets.UTF_8);
		}
		byte[][] argBytes = new byte[args.length][];
		for (int i = 0; i < argBytes.length; i++) {
			argBytes[i] = args[i].toString().getBytes(StandardCharsets.UTF_8);
		}
		try (RedisConnection connection = this.factory.getConnection()) {
			RedisClusterAsyncCommands<byte[], byte[]> commands = commands(connection);
			try {
				return await(commands.evalsha(script.getSha1(), type, keyBytes, argBytes));
			}
			catch (RedisNoScriptException ex) {
				return await(commands.eval(script.getScriptAsString(), type, keyBytes, argBytes));
			}
		}
		catch (RedisConnectionFailureException ex) {
			throw new RateLimiterUnavailableException(Reason.UNREACHABLE, "Redis unreachable: " + ex.getMessage(), ex);
		}
	}

	@SuppressWarnings("unchecked")
	private static RedisClusterAsyncCommands<byte[], byte[]> commands(RedisConnection connection) {
		RedisClusterAsyncCommands<byte[], byte[]> commands = (RedisClusterAsyncCommands<byte[], byte[]>) connection
			.getNativeConnection();
		if (!isOpen(commands)) {
			throw new RateLimiterUnavailableException(Reason.UNREACHABLE, "Redis connection not open", null);
		}
		return commands;
	}

	private static boolean isOpen(RedisClusterAsyncCommands<byte[], byte[]> commands) {
		if (commands instanceof RedisAsyncCommands<byte[], byte[]> standalone) {
			return standalone.getStatefulConnection().isOpen();
		}
		if (commands instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster) {
			return cluster.getStatefulConnection().isOpen();
		}
		return true;
	}

	private <T> T await(RedisFuture<T> reply) {
		try {
			return reply.get(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			reply.cancel(false);
			throw new RateLimiterUnavailableException(Reason.LATE,
					"Redis did not answer within " + this.timeout.toMillis() + " ms", ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof RedisNoScriptException noScript) {
				throw noScript;
			}
			Reason reason = (cause instanceof RedisConnectionException) ? Reason.UNREACHABLE : Reason.FAILED;
			throw new RateLimiterUnavailableException(reason, "Redis could not decide: " + cause.getMessage(), cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RateLimiterUnavailableException("Interrupted while waiting for Redis", ex);
		}
	}

}
