package dev.tenantlimit.web;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import dev.tenantlimit.limiter.ConcurrencyLeases;
import dev.tenantlimit.limiter.RateLimiterUnavailableException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Caps on requests in flight, with no queueing: per instance for all tenants together (a
 * semaphore), and per tenant across every instance (leases in Redis), each with separate caps for
 * reads (GET, HEAD, OPTIONS) and mutating methods. While the leases cannot be reached, the
 * per-tenant caps are not applied and the per-instance caps still protect the instance.
 */
public class ConcurrencyLimits {

	private static final Log logger = LogFactory.getLog(ConcurrencyLimits.class);

	private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");

	private final @Nullable Semaphore globalRead;

	private final @Nullable Semaphore globalMutating;

	private final @Nullable Integer tenantRead;

	private final @Nullable Integer tenantMutating;

	private final @Nullable ConcurrencyLeases leases;

	private final AtomicBoolean leasesFailing = new AtomicBoolean();

	private final BooleanSupplier redisUnreachable;

	/**
	 * @param caps the caps; {@code null} ones do not apply
	 * @param leases the shared per-tenant leases, needed when a tenant cap is set
	 */
	public ConcurrencyLimits(Caps caps, @Nullable ConcurrencyLeases leases) {
		this(caps, leases, () -> false);
	}

	/**
	 * @param caps the caps; {@code null} ones do not apply
	 * @param leases the shared per-tenant leases, needed when a tenant cap is set
	 * @param redisUnreachable whether the rate limiter holds Redis for unreachable: then no lease is
	 * asked for (and no request waits for one) until it is back
	 */
	public ConcurrencyLimits(Caps caps, @Nullable ConcurrencyLeases leases, BooleanSupplier redisUnreachable) {
		this.redisUnreachable = redisUnreachable;
		this.globalRead = (caps.globalRead() != null) ? new Semaphore(caps.globalRead()) : null;
		this.globalMutating = (caps.globalMutating() != null) ? new Semaphore(caps.globalMutating()) : null;
		this.tenantRead = caps.tenantRead();
		this.tenantMutating = caps.tenantMutating();
		this.leases = leases;
	}

	/**
	 * Take what one request needs.
	 * @return the permit to close when the request is done, or {@code null} when a cap is reached
	 */
	public @Nullable Permit tryAcquire(String tenantId, String method) {
		boolean read = isRead(method);
		Semaphore global = read ? this.globalRead : this.globalMutating;
		if (global != null && !global.tryAcquire()) {
			return null;
		}
		String kind = read ? "read" : "mutating";
		String leaseId = null;
		Integer cap = read ? this.tenantRead : this.tenantMutating;
		if (cap != null && this.leases != null) {
			leaseId = UUID.randomUUID().toString();
			if (!takeLease(tenantId, kind, leaseId, cap)) {
				if (global != null) {
					global.release();
				}
				return null;
			}
		}
		return new Permit(global, (leaseId != null) ? this.leases : null, tenantId, kind, leaseId);
	}

	/** Whether the method counts as a read: GET, HEAD or OPTIONS. */
	public static boolean isRead(String method) {
		return READ_METHODS.contains(method);
	}

	private boolean takeLease(String tenantId, String kind, String leaseId, int cap) {
		if (this.redisUnreachable.getAsBoolean()) {
			if (this.leasesFailing.compareAndSet(false, true)) {
				logger.warn("Per-tenant concurrency caps not applied while Redis is unreachable");
			}
			return true;
		}
		try {
			boolean taken = this.leases.tryAcquire(tenantId, kind, leaseId, cap);
			if (this.leasesFailing.compareAndSet(true, false)) {
				logger.info("Per-tenant concurrency caps apply again");
			}
			return taken;
		}
		catch (RateLimiterUnavailableException ex) {
			if (this.leasesFailing.compareAndSet(false, true)) {
				logger.warn("Per-tenant concurrency caps not applied while Redis is unavailable: " + ex.getMessage());
			}
			return true;
		}
	}

	/**
	 * The caps; {@code null} for none.
	 *
	 * @param globalRead reads in flight on this instance
	 * @param globalMutating mutating requests in flight on this instance
	 * @param tenantRead one tenant's reads in flight on all instances
	 * @param tenantMutating one tenant's mutating requests in flight on all instances
	 */
	public record Caps(@Nullable Integer globalRead, @Nullable Integer globalMutating, @Nullable Integer tenantRead,
			@Nullable Integer tenantMutating) {

		/** Whether any cap is set. */
		public boolean any() {
			return this.globalRead != null || this.globalMutating != null || this.tenantRead != null
					|| this.tenantMutating != null;
		}

	}

	/** What one request holds; closing it twice gives back once. */
	public static final class Permit implements AutoCloseable {

		private final @Nullable Semaphore global;

		private final @Nullable ConcurrencyLeases leases;

		private final String tenantId;

		private final String kind;

		private final @Nullable String leaseId;

		private final AtomicBoolean closed = new AtomicBoolean();

		Permit(@Nullable Semaphore global, @Nullable ConcurrencyLeases leases, String tenantId, String kind,
				@Nullable String leaseId) {
			this.global = global;
			this.leases = leases;
			this.tenantId = tenantId;
			this.kind = kind;
			this.leaseId = leaseId;
		}

		@Override
		public void close() {
			if (this.closed.compareAndSet(false, true)) {
				if (this.global != null) {
					this.global.release();
				}
				if (this.leases != null && this.leaseId != null) {
					this.leases.release(this.tenantId, this.kind, this.leaseId);
				}
			}
		}

	}

}
