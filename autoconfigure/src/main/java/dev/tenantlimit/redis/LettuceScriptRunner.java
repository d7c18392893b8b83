package dev.tenantlimit.redis;

import java.time.Duration;
import java.util.List;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Runs scripts and functions with Lettuce ({@link LettuceCommands}). Scripts: EVALSHA, then EVAL
 * once when Redis does not know the script yet (after a restart or SCRIPT FLUSH). Functions:
 * {@link LettuceFunctions}.
 */
final class LettuceScriptRunner {

	private final LettuceCommands commands;

	private final LettuceFunctions functions;

	LettuceScriptRunner(LettuceConnectionFactory factory, Duration timeout) {
		this.commands = new LettuceCommands(factory, timeout);
		this.functions = new LettuceFunctions(this.commands, this);
	}

	/** Run a script whose reply is a list of integers. */
	List<Long> execute(RedisScript<?> script, List<String> keys, Object[] args) {
		return run(script, ScriptOutputType.MULTI, keys, args);
	}

	/** Run a script whose reply is one integer. */
	Long executeForLong(RedisScript<?> script, List<String> keys, Object[] args) {
		return run(script, ScriptOutputType.INTEGER, keys, args);
	}

	/** Call a function whose reply is a list of integers, as a script where Redis has no functions. */
	List<Long> call(LuaFunction function, List<String> keys, Object[] args) {
		return this.functions.call(function, keys, args);
	}

	/** PING within the timeout; false at once when the connection is not open. */
	boolean ping() {
		try {
			return this.commands.with((commands) -> "PONG".equals(this.commands.await(commands.ping())));
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private <T> T run(RedisScript<?> script, ScriptOutputType type, List<String> keys, Object[] args) {
		byte[][] keyBytes = LettuceCommands.keys(keys);
		byte[][] argBytes = LettuceCommands.args(args);
		return this.commands.with((commands) -> {
			try {
				return this.commands.<T>await(commands.evalsha(script.getSha1(), type, keyBytes, argBytes));
			}
			catch (RedisNoScriptException ex) {
				return this.commands.<T>await(commands.eval(script.getScriptAsString(), type, keyBytes, argBytes));
			}
		});
	}

}
