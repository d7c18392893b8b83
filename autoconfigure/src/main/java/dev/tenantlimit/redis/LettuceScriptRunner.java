package dev.tenantlimit.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.tenantlimit.limiter.RateLimiterUnavailableException;
import dev.tenantlimit.limiter.RateLimiterUnavailableException.Reason;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Runs functions and scripts through Lettuce's async API on the factory's shared connection
 * (standalone, Sentinel or Cluster) and waits at most the timeout for the reply, on the calling
 * thread: no Reactor operators or timer task per call. Functions: FCALL, then FUNCTION LOAD once
 * when Redis does not have the library (after a restart or FUNCTION FLUSH). Scripts: EVALSHA, then
 * EVAL once when Redis does not know the script yet (after a restart or SCRIPT FLUSH). A
 * connection that is not open (Lettuce reconnects in the background) fails at once instead of
 * queueing the call until the timeout.
 */
final class LettuceScriptRunner {

	private static final Log logger = LogFactory.getLog(LettuceScriptRunner.class);

	private final LettuceConnectionFactory factory;

	private final Duration timeout;

	/**
	 * The commands of the factory's shared connection, kept while it is open: asking the factory
	 * builds a new {@code LettuceConnection} each time (1 % of the JVM's samples over 1,000
	 * tenants). A new one is asked for once this one is closed (Redis away, or the factory reset).
	 */
	private volatile @Nullable RedisClusterAsyncCommands<byte[], byte[]> shared;

	/** False once Redis answered that it has no functions: from then on they run as scripts. */
	private volatile boolean functions = true;

	LettuceScriptRunner(LettuceConnectionFactory factory, Duration timeout) {
		this.factory = factory;
		this.timeout = timeout;
	}

	/** Run a script whose reply is a list of integers. */
	List<Long> execute(RedisScript<?> script, List<String> keys, Object[] args) {
		return run(script, ScriptOutputType.MULTI, keys, args);
	}

	/**
	 * Call a function whose reply is a list of integers: {@code FCALL}, loading the library first
	 * when Redis does not have it (a restart, {@code FUNCTION FLUSH}, a node that joined). Where
	 * functions are not available the function runs as a script from then on.
	 */
	List<Long> call(LuaFunction function, List<String> keys, Object[] args) {
		if (!this.functions) {
			return execute(function.script(), keys, args);
		}
		byte[][] keyBytes = keys(keys);
		byte[][] argBytes = args(args);
		try {
			RedisClusterAsyncCommands<byte[], byte[]> shared = this.shared;
			if (shared != null && isOpen(shared)) {
				return fcall(shared, function, keyBytes, argBytes);
			}
			try (RedisConnection connection = this.factory.getConnection()) {
				RedisClusterAsyncCommands<byte[], byte[]> commands = commands(connection);
				if (this.factory.getShareNativeConnection() && (commands instanceof RedisAsyncCommands
						|| commands instanceof RedisAdvancedClusterAsyncCommands)) {
					// (a connection of which isOpen can tell whether it is closed)
					this.shared = commands;
				}
				return fcall(commands, function, keyBytes, argBytes);
			}
		}
		catch (RedisCommandExecutionException ex) {
			if (!hasNoFunctions(ex)) {
				throw new RateLimiterUnavailableException(Reason.FAILED, "Redis could not decide: " + ex.getMessage(), ex);
			}
			// no FCALL or FUNCTION here (before Redis 7, a proxy, an ACL that leaves them out)
			this.functions = false;
			logger.info("Redis functions are not available (" + ex.getMessage() + "); rate decisions run as scripts");
			return execute(function.script(), keys, args);
		}
		catch (RedisConnectionFailureException ex) {
			throw new RateLimiterUnavailableException(Reason.UNREACHABLE, "Redis unreachable: " + ex.getMessage(), ex);
		}
	}

	private List<Long> fcall(RedisClusterAsyncCommands<byte[], byte[]> commands, LuaFunction function, byte[][] keys,
			byte[][] args) {
		try {
			return await(commands.fcall(function.functionName(), ScriptOutputType.MULTI, keys, args));
		}
		catch (RedisCommandExecutionException ex) {
			if (!isMissingFunction(ex)) {
				throw ex;
			}
			load(commands, function);
			return await(commands.fcall(function.functionName(), ScriptOutputType.MULTI, keys, args));
		}
	}

	private void load(RedisClusterAsyncCommands<byte[], byte[]> commands, LuaFunction function) {
		if (commands instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster) {
			// every primary: the function's keys may be in any slot (replicas get it by replication)
			for (CompletableFuture<String> loaded : cluster.upstream().commands().functionLoad(function.library(), true)
				.futures()) {
				await(loaded);
			}
		}
		else {
			await(commands.functionLoad(function.library(), true));
		}
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
		byte[][] keyBytes = keys(keys);
		byte[][] argBytes = args(args);
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

	private static byte[][] keys(List<String> keys) {
		byte[][] bytes = new byte[keys.size()][];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = keys.get(i).getBytes(StandardCharsets.UTF_8);
		}
		return bytes;
	}

	private static byte[][] args(Object[] args) {
		byte[][] bytes = new byte[args.length][];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = args[i].toString().getBytes(StandardCharsets.UTF_8);
		}
		return bytes;
	}

	/** "ERR Function not found": Redis does not have the library (yet, or any more). */
	private static boolean isMissingFunction(RedisCommandExecutionException ex) {
		String message = ex.getMessage();
		return message != null && message.contains("Function not found");
	}

	/** What Redis answers when it has no functions for this connection: not one of its commands, or not allowed. */
	private static boolean hasNoFunctions(Throwable cause) {
		String message = cause.getMessage();
		return message != null && (message.startsWith("ERR unknown command") || message.startsWith("NOPERM"));
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

	private <T> T await(Future<T> reply) {
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
			if (cause instanceof RedisCommandExecutionException error
					&& (isMissingFunction(error) || hasNoFunctions(error))) {
				throw error;
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
