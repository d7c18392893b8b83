package dev.tenantlimit.limiter;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

/**
 * Whether this instance is deciding without the shared limiter, and with which share: what
 * health checks and metrics report.
 */
public class FallbackState {

	private final FailMode mode;

	private final IntSupplier instances;

	private final AtomicBoolean active = new AtomicBoolean();

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

	/** The number of instances each quota is divided among while the fallback is active, at least 1. */
	public int liveInstances() {
		return Math.max(1, this.instances.getAsInt());
	}

	/** Whether the last decision could not be made by the shared limiter. */
	public boolean isActive() {
		return this.active.get();
	}

	/** Mark the fallback active; true when it was not. */
	boolean enter() {
		return this.active.compareAndSet(false, true);
	}

	/** Mark the fallback inactive; true when it was active. */
	boolean leave() {
		return this.active.compareAndSet(true, false);
	}

}
