package dev.tenantlimit.limiter;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * Whether this instance is deciding without the shared limiter, and with which share, and what it
 * did meanwhile: what health checks and metrics report.
 */
public class FallbackState {

	private volatile FailMode mode;

	private final IntSupplier instances;

	private final AtomicBoolean active = new AtomicBoolean();

	private final LongAdder localDecisions = new LongAdder();

	private final LongAdder writtenBack = new LongAdder();

	private final LongAdder outages = new LongAdder();

	/**
	 * @param mode what is done while the shared limiter is away
	 * @param instances how many instances share each quota meanwhile
	 */
	public FallbackState(FailMode mode, IntSupplier instances) {
		this.mode = mode;
		this.instances = instances;
	}

	public FailMode mode() {
		return this.mode;
	}

	/** Decide with another fail mode from now on (a reloaded configuration). */
	public void mode(FailMode newMode) {
		this.mode = newMode;
	}

	/** The number of instances each quota is divided among while the fallback is active, at least 1. */
	public int liveInstances() {
		return Math.max(1, this.instances.getAsInt());
	}

	/** Whether this instance holds the shared limiter for unreachable and decides without it. */
	public boolean isActive() {
		return this.active.get();
	}

	/** Requests decided without the shared limiter so far. */
	public long localDecisions() {
		return this.localDecisions.sum();
	}

	/** Requests admitted without the shared limiter and written into its counters since. */
	public long writtenBack() {
		return this.writtenBack.sum();
	}

	/** Times this instance took the shared limiter for unreachable. */
	public long outages() {
		return this.outages.sum();
	}

	/** Mark the fallback active; true when it was not. */
	boolean enter() {
		boolean entered = this.active.compareAndSet(false, true);
		if (entered) {
			this.outages.increment();
		}
		return entered;
	}

	/** Mark the fallback inactive; true when it was active. */
	boolean leave() {
		return this.active.compareAndSet(true, false);
	}

	void decidedLocally() {
		this.localDecisions.increment();
	}

	void wroteBack(long admissions) {
		this.writtenBack.add(admissions);
	}

}
