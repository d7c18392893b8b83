package dev.tenantlimit.redis;

import java.util.Optional;
import java.util.Properties;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Warns when Redis may evict live counters: under an {@code allkeys-*} policy a full Redis drops
 * any key, a tenant's window included, and the next requests are admitted as if it were empty.
 * {@code noeviction} or a {@code volatile-*} policy with enough memory keeps the limits exact.
 */
public class RedisMemoryPolicyCheck {

	private static final Log logger = LogFactory.getLog(RedisMemoryPolicyCheck.class);

	private final RedisConnectionFactory connectionFactory;

	public RedisMemoryPolicyCheck(RedisConnectionFactory connectionFactory) {
		this.connectionFactory = connectionFactory;
	}

	/**
	 * Read {@code maxmemory-policy} and log a warning for an evicting policy.
	 * @return the warning, if one was logged
	 */
	public Optional<String> check() {
		String policy;
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			Properties config = connection.serverCommands().getConfig("maxmemory-policy");
			policy = (config != null) ? config.getProperty("maxmemory-policy") : null;
		}
		catch (DataAccessException ex) {
			// CONFIG may be renamed or forbidden (managed Redis), or Redis may be down: say so, quietly
			logger.debug("Could not read Redis maxmemory-policy: " + ex.getMessage());
			return Optional.empty();
		}
		if (policy == null || !policy.startsWith("allkeys-")) {
			return Optional.empty();
		}
		String warning = "Redis maxmemory-policy is " + policy + ": when Redis is full it may evict rate-limit"
				+ " counters and admit more than a quota. Use noeviction (or volatile-*) with enough memory;"
				+ " see docs/operations.md.";
		logger.warn(warning);
		return Optional.of(warning);
	}

}
