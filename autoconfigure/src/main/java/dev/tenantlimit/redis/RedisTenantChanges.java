package dev.tenantlimit.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.tenantlimit.tenant.TenantCache;
import dev.tenantlimit.tenant.TenantChange;
import dev.tenantlimit.tenant.TenantChangeListener;
import dev.tenantlimit.tenant.TenantChangePublisher;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Spreads cache invalidations between instances over Redis pub/sub: a change is applied to this
 * instance's cache at once and published; every instance (this one too) applies what it
 * receives. A lost message is covered by the cache's refresh interval.
 */
public class RedisTenantChanges implements TenantChangePublisher, MessageListener {

	private static final Log logger = LogFactory.getLog(RedisTenantChanges.class);

	private final StringRedisTemplate redis;

	private final String channel;

	private final List<TenantChangeListener> listeners = new CopyOnWriteArrayList<>();

	public RedisTenantChanges(StringRedisTemplate redis, String channel, TenantCache cache) {
		this.redis = redis;
		this.channel = channel;
		this.listeners.add(cache);
	}

	/** Also tell this listener of every change, local or received. */
	public void addListener(TenantChangeListener listener) {
		this.listeners.add(listener);
	}

	/** The channel the changes travel on. */
	public String channel() {
		return this.channel;
	}

	/** Apply a change here and tell the other instances. */
	@Override
	public void publish(TenantChange change) {
		apply(change);
		try {
			this.redis.convertAndSend(this.channel, change.encode());
		}
		catch (DataAccessException ex) {
			// one line: a Redis outage during a burst of admin changes must not flood the log
			logger.warn("Could not publish " + change.encode() + " (" + ex.getMostSpecificCause()
					+ "); other instances pick it up on their next cache refresh");
			logger.debug("Could not publish " + change.encode(), ex);
		}
	}

	@Override
	public void onMessage(Message message, byte[] pattern) {
		TenantChange change = TenantChange.decode(new String(message.getBody(), StandardCharsets.UTF_8));
		if (change != null) {
			apply(change);
		}
	}

	private void apply(TenantChange change) {
		this.listeners.forEach((listener) -> listener.apply(change));
	}

}
