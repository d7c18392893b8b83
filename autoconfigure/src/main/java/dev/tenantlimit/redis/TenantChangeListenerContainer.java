package dev.tenantlimit.redis;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Subscribes {@link RedisTenantChanges} to its channel. Unlike a plain
 * {@link RedisMessageListenerContainer}, it does not fail application start-up when Redis is
 * down: it logs once and keeps trying in the background, since the cache's refresh interval
 * covers the changes missed meanwhile.
 */
public class TenantChangeListenerContainer extends RedisMessageListenerContainer {

	private static final Log logger = LogFactory.getLog(TenantChangeListenerContainer.class);

	private final Duration retryInterval;

	private @Nullable ScheduledExecutorService retries;

	private @Nullable ScheduledFuture<?> retry;

	public TenantChangeListenerContainer(RedisConnectionFactory connectionFactory, RedisTenantChanges changes,
			Duration retryInterval) {
		this.retryInterval = retryInterval;
		setConnectionFactory(connectionFactory);
		addMessageListener(changes, new ChannelTopic(changes.channel()));
	}

	@Override
	public synchronized void start() {
		try {
			super.start();
		}
		catch (RuntimeException ex) {
			if (this.retry == null) {
				logger.warn("Cannot subscribe to TenantLimit cache changes yet (" + ex.getMessage()
						+ "); retrying every " + this.retryInterval.toSeconds() + "s");
				scheduleRetries();
			}
		}
	}

	@Override
	public synchronized void stop() {
		cancelRetries();
		super.stop();
	}

	@Override
	public void destroy() throws Exception {
		cancelRetries();
		super.destroy();
	}

	private void scheduleRetries() {
		this.retries = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "tenantlimit-subscribe");
			thread.setDaemon(true);
			return thread;
		});
		long millis = this.retryInterval.toMillis();
		this.retry = this.retries.scheduleWithFixedDelay(this::retryStart, millis, millis, TimeUnit.MILLISECONDS);
	}

	private synchronized void retryStart() {
		try {
			super.start();
			logger.info("Subscribed to TenantLimit cache changes");
			cancelRetries();
		}
		catch (RuntimeException ex) {
			// still down; try again
		}
	}

	private synchronized void cancelRetries() {
		if (this.retries != null) {
			this.retries.shutdownNow();
			this.retries = null;
			this.retry = null;
		}
	}

}
