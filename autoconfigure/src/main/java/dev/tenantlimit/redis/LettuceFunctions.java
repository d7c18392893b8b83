package dev.tenantlimit.redis;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import dev.tenantlimit.limiter.RateLimiterUnavailableException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Redis functions (Redis 7): {@code FCALL}, and {@code FUNCTION LOAD} when Redis does not have
 * the library (a restart, {@code FUNCTION FLUSH}, a primary that joined a cluster). Where Redis
 * answers that it has no such command for this connection (Redis 6, a proxy, an ACL without
 * them), the function runs as a script for the next five minutes, then FCALL is tried again.
 */
final class LettuceFunctions {

	private static final Log logger = LogFactory.getLog(LettuceFunctions.class);

	/** How long functions are not tried again once Redis said it has none. */
	private static final Duration SCRIPTS_FOR = Duration.ofMinutes(5);

	private final LettuceCommands commands;

	private final LettuceScriptRunner scripts;

	/** {@code System.nanoTime()} until which functions run as scripts, when {@link #scriptsOnly}. */
	private volatile long scriptsUntil;

	private volatile boolean scriptsOnly;

	/** The library being loaded: calls that find it missing meanwhile wait for this one load. */
	private final AtomicReference<@Nullable CompletableFuture<Void>> loading = new AtomicReference<>();

	LettuceFunctions(LettuceCommands commands, LettuceScriptRunner scripts) {
		this.commands = commands;
		this.scripts = scripts;
	}

	List<Long> call(LuaFunction function, List<String> keys, Object[] args) {
		if (this.scriptsOnly && System.nanoTime() - this.scriptsUntil < 0) {
			return this.scripts.execute(function.script(), keys, args);
		}
		byte[][] keyBytes = LettuceCommands.keys(keys);
		byte[][] argBytes = LettuceCommands.args(args);
		try {
			List<Long> reply = this.commands.with((commands) -> fcall(commands, function, keyBytes, argBytes));
			if (this.scriptsOnly) {
				this.scriptsOnly = false;
			}
			return reply;
		}
		catch (RateLimiterUnavailableException ex) {
			if (!hasNoFunctions(ex.getCause())) {
				throw ex;
			}
			this.scriptsUntil = System.nanoTime() + SCRIPTS_FOR.toNanos();
			this.scriptsOnly = true;
			logger.info("Redis has no functions for TenantLimit (" + ex.getCause().getMessage()
					+ "): its decisions run as scripts (EVALSHA) for the next " + SCRIPTS_FOR.toMinutes() + " minutes");
			return this.scripts.execute(function.script(), keys, args);
		}
	}

	private List<Long> fcall(RedisClusterAsyncCommands<byte[], byte[]> commands, LuaFunction function, byte[][] keys,
			byte[][] args) {
		try {
			return this.commands.await(commands.fcall(function.functionName(), ScriptOutputType.MULTI, keys, args));
		}
		catch (RateLimiterUnavailableException ex) {
			if (!isMissingFunction(ex.getCause())) {
				throw ex;
			}
		}
		load(commands, function);
		return this.commands.await(commands.fcall(function.functionName(), ScriptOutputType.MULTI, keys, args));
	}

	/** One load at a time: the first call that finds the library missing sends it, the others wait for it. */
	private void load(RedisClusterAsyncCommands<byte[], byte[]> commands, LuaFunction function) {
		CompletableFuture<Void> mine = new CompletableFuture<>();
		CompletableFuture<Void> theirs = this.loading.compareAndExchange(null, mine);
		if (theirs != null) {
			this.commands.await(theirs);
			return;
		}
		mine.whenComplete((done, failure) -> this.loading.compareAndSet(mine, null));
		try {
			send(commands, function).whenComplete((done, failure) -> {
				if (failure != null) {
					mine.completeExceptionally(failure);
				}
				else {
					mine.complete(null);
				}
			});
		}
		catch (RuntimeException ex) {
			mine.completeExceptionally(ex);
		}
		this.commands.await(mine);
	}

	private static CompletableFuture<?> send(RedisClusterAsyncCommands<byte[], byte[]> commands, LuaFunction function) {
		if (commands instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster) {
			// every primary, whichever answered: the function's keys may be in any slot (replicas
			// get it by replication); a primary that failed to load it answers "not found" again
			CompletableFuture<?>[] loads = cluster.upstream().commands().functionLoad(function.library(), true).futures();
			CompletableFuture<?>[] settled = new CompletableFuture<?>[loads.length];
			for (int i = 0; i < loads.length; i++) {
				settled[i] = loads[i].exceptionally((failure) -> null);
			}
			return CompletableFuture.allOf(settled);
		}
		return commands.functionLoad(function.library(), true).toCompletableFuture();
	}

	/** "ERR Function not found": Redis does not have the library (yet, or any more). */
	private static boolean isMissingFunction(@Nullable Throwable cause) {
		String message = (cause != null) ? cause.getMessage() : null;
		return message != null && message.contains("Function not found");
	}

	/**
	 * Whether Redis refused the command itself, not what it did: unknown (before Redis 7: "ERR
	 * unknown command `FCALL`"), unsupported (a proxy), or not allowed to this user ("NOPERM ...
	 * the 'fcall' command"). A NOPERM about a key is not one.
	 */
	static boolean hasNoFunctions(@Nullable Throwable cause) {
		String message = (cause != null) ? cause.getMessage() : null;
		if (message == null) {
			return false;
		}
		String lower = message.toLowerCase(Locale.ROOT);
		boolean aboutFunctions = lower.contains("fcall") || lower.contains("'function") || lower.contains("`function");
		return aboutFunctions && (lower.contains("unknown command") || lower.contains("unsupported command")
				|| (lower.startsWith("noperm") && lower.contains("command")));
	}

}
