package dev.tenantlimit.redis;

import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.tracing.LettuceObservationContext;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;

/**
 * Leaves TenantLimit's rate decisions out of Spring Boot's per-command Lettuce observation (the
 * {@code lettuce.command} timers and spans): one decision per request would add a Redis command
 * to the application's own for every request, and observing it took about 6 % of the throughput
 * over 1,000 tenants; {@code tenantlimit.decision} times the decisions. Lettuce creates each
 * command's observation once the command is known, so the predicate can tell which it is; every
 * other command, the application's and TenantLimit's rarer scripts, is observed as before.
 */
public final class UnobservedDecisions implements ObservationPredicate {

	// read once: the script's SHA-1 is behind a lock, and this runs for every command observed
	private static final String FUNCTION = RedisSlidingWindowRateLimiter.DECIDE.functionName();

	private static final String SCRIPT_SHA = RedisSlidingWindowRateLimiter.DECIDE.script().getSha1();

	@Override
	public boolean test(String name, Observation.Context context) {
		return !(context instanceof LettuceObservationContext lettuce && lettuce.hasCommand()
				&& isDecision(lettuce.getRequiredCommand()));
	}

	/** An FCALL of the decision function, or an EVALSHA of its script where Redis has no functions. */
	static boolean isDecision(RedisCommand<?, ?, ?> command) {
		ProtocolKeyword type = command.getType();
		if (type != CommandType.FCALL && type != CommandType.EVALSHA) {
			return false;
		}
		CommandArgs<?, ?> args = command.getArgs();
		String first = (args != null) ? args.getFirstString() : null;
		return first != null && (first.equals(FUNCTION) || first.equals(SCRIPT_SHA));
	}

}
