package dev.tenantlimit.limiter;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.tenantlimit.quota.Quota;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Sends charges from one background thread, so a request thread never waits for Redis after its
 * work: it hands the charge over and finishes. At most {@code capacity} charges wait; beyond
 * that, and when Redis cannot take one, a charge is dropped, counted and logged (at most once a
 * second): a charge lost is units not counted, never a request refused wrongly.
 */
public class BackgroundCharges implements Charger, AutoCloseable {

	private static final Log logger = LogFactory.getLog(BackgroundCharges.class);

	private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final Charger target;

	private final ThreadPoolExecutor sender;

	private final AtomicLong sent = new AtomicLong();

	private final AtomicLong dropped = new AtomicLong();

	private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

	public BackgroundCharges(Charger target, int capacity) {
		this.target = target;
		this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacity),
				(task) -> {
					Thread thread = new Thread(task, "tenantlimit-charges");
					thread.setDaemon(true);
					return thread;
				});
	}

	@Override
	public void charge(String tenantId, List<Quota> quotas, long units) {
		try {
			this.sender.execute(() -> send(tenantId, quotas, units));
		}
		catch (RejectedExecutionException ex) {
			drop("more charges wait than the queue holds", units);
		}
	}

	private void send(String tenantId, List<Quota> quotas, long units) {
		try {
			this.target.charge(tenantId, quotas, units);
			this.sent.incrementAndGet();
		}
		catch (RuntimeException ex) {
			drop(ex.getMessage(), units);
		}
	}

	private void drop(String why, long units) {
		long count = this.dropped.incrementAndGet();
		long now = System.nanoTime();
		long last = this.lastLogged.get();
		if (now - last >= LOG_INTERVAL_NANOS && this.lastLogged.compareAndSet(last, now)) {
			logger.warn("Dropped a charge of " + units + " units (" + count + " dropped so far): " + why);
		}
	}

	/** Charges Redis took. */
	public long sent() {
		return this.sent.get();
	}

	/** Charges dropped: queue full, or Redis could not take them. */
	public long dropped() {
		return this.dropped.get();
	}

	/** Charges handed over and not sent yet. */
	public int waiting() {
		return this.sender.getQueue().size() + this.sender.getActiveCount();
	}

	/** Stops taking charges; those waiting are still sent, for at most a second. */
	@Override
	public void close() throws InterruptedException {
		this.sender.shutdown();
		this.sender.awaitTermination(1, TimeUnit.SECONDS);
	}

}
