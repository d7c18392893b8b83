package dev.tenantlimit.web;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Lets at most {@code perSecond} log lines through each second, so a flood of refused requests
 * cannot flood the logs; the next line let through says how many were held back.
 */
final class LogThrottle {

	private final int perSecond;

	private final LongSupplier nanoTime;

	private long second = Long.MIN_VALUE;

	private int used;

	private final AtomicLong suppressed = new AtomicLong();

	LogThrottle(int perSecond, LongSupplier nanoTime) {
		this.perSecond = perSecond;
		this.nanoTime = nanoTime;
	}

	/**
	 * Whether a line may be logged now.
	 * @return -1 when it may not, else the number of lines held back before it
	 */
	synchronized long tryAcquire() {
		long now = this.nanoTime.getAsLong() / 1_000_000_000L;
		if (now != this.second) {
			this.second = now;
			this.used = 0;
		}
		if (this.used >= this.perSecond) {
			this.suppressed.incrementAndGet();
			return -1;
		}
		this.used++;
		return this.suppressed.getAndSet(0);
	}

}
