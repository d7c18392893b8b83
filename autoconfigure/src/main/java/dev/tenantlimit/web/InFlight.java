package dev.tenantlimit.web;

import java.util.concurrent.atomic.AtomicInteger;

/** Requests in flight and their high-water mark since it was last read. */
public final class InFlight {

	private final AtomicInteger current = new AtomicInteger();

	private final AtomicInteger max = new AtomicInteger();

	void enter() {
		int now = this.current.incrementAndGet();
		this.max.accumulateAndGet(now, Math::max);
	}

	void leave() {
		this.current.decrementAndGet();
	}

	/** Requests in flight now. */
	public int current() {
		return this.current.get();
	}

	/** The most in flight since the last call (a watermark per scrape interval), then reset to now. */
	public int takeMax() {
		return this.max.getAndSet(this.current.get());
	}

}
