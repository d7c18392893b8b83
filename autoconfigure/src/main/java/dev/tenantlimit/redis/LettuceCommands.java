package dev.tenantlimit.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import dev.tenantlimit.limiter.RateLimiterUnavailableException;
import dev.tenantlimit.limiter.RateLimiterUnavailableException.Reason;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettucePoolingClientConfiguration;

/**
 * Lettuce's async commands on the factory's shared connection (standalone, Sentinel or Cluster),
 * and waiting at most the timeout for a reply on the calling thread: no Reactor operators or timer
 * task per call. A connection that is not open (Lettuce reconnects in the background) fails at
 * once instead of queueing the call until the timeout.
 */
final class LettuceCommands {

	private final LettuceConnectionFactory factory;

	private final Duration timeout;

	/** Whether the shared connection's commands may be kept between calls. */
	private final boolean keepShared;

	/**
	 * The commands of the factory's shared connection, kept while it is open: asking the factory
	 * builds a new {@code LettuceConnection} each time (1 % of the JVM's samples over 1,000
	 * tenants). A new one is asked for once this one is closed (Redis away, or the factory reset).
	 */
	private volatile @Nullable RedisClusterAsyncCommands<byte[], byte[]> shared;

	LettuceCommands(LettuceConnectionFactory factory, Duration timeout) {
		this.factory = factory;
		this.timeout = timeout;
		// a pooled shared connection goes back to the pool on a reset, open, and may be lent to
		// anyone (a MULTI, a blocking pop); a validated one is checked by the factory on each call
		this.keepShared = factory.getShareNativeConnection() && !factory.getValidateConnection()
				&& !(factory.getClientConfiguration() instanceof LettucePoolingClientConfiguration);
	}

	/** Run {@code action} with the commands of an open connection; UNREACHABLE when there is none. */
	<T> T with(Function<RedisClusterAsyncCommands<byte[], byte[]>, T> action) {
		RedisClusterAsyncCommands<byte[], byte[]> kept = this.shared;
		if (kept != null && isOpen(kept)) {
			return action.apply(kept);
		}
		try (RedisConnection connection = this.factory.getConnection()) {
			RedisClusterAsyncCommands<byte[], byte[]> commands = commands(connection);
			if (this.keepShared && (commands instanceof RedisAsyncCommands
					|| commands instanceof RedisAdvancedClusterAsyncCommands)) {
				// (commands whose connection isOpen can tell closed)
				this.shared = commands;
			}
			return action.apply(commands);
		}
		catch (RedisConnectionFailureException ex) {
			throw new RateLimiterUnavailableException(Reason.UNREACHABLE, "Redis unreachable: " + ex.getMessage(), ex);
		}
	}

	/**
	 * The reply within the timeout. Every failure is a {@link RateLimiterUnavailableException}
	 * (whose cause is Redis's error), but NOSCRIPT, for the caller to send the script itself.
	 */
	<T> T await(Future<T> reply) {
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

	static byte[][] keys(List<String> keys) {
		byte[][] bytes = new byte[keys.size()][];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = keys.get(i).getBytes(StandardCharsets.UTF_8);
		}
		return bytes;
	}

	static byte[][] args(Object[] args) {
		byte[][] bytes = new byte[args.length][];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = args[i].toString().getBytes(StandardCharsets.UTF_8);
		}
		return bytes;
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

}
