package dev.tenantlimit.lease;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tenantlimit.limiter.LocalAdmissions;
import dev.tenantlimit.limiter.RateLimitDecision;
import dev.tenantlimit.limiter.SharedRateLimiter;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.tenant.TenantChange;
import dev.tenantlimit.tenant.TenantChangeListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Decides hot tenants from memory: for each tenant and set of quotas a request matches, permits
 * are reserved from the {@link PermitSource} in batches (one Redis call counts a batch in every
 * quota, before any of it is used) and admitted here until the batch is used or its lease ends;
 * unused permits go back when it ends. A tenant too slow to use two permits in a lease, and a
 * request with a quota that is shadow, sharded or not leased ({@code lease: false}), are decided
 * one request at a time, as without leases.
 *
 * <p>Sits between the failover and Redis: a reservation that fails is the failover's to handle
 * like any decision, and while Redis is held for unreachable no lease is asked for.
 */
public class PermitLeases implements SharedRateLimiter, TenantChangeListener, AutoCloseable {

	private static final Log logger = LogFactory.getLog(PermitLeases.class);

	private final PermitSource source;

	private final Duration duration;

	private final int maxPermits;

	private final LeaseStats stats;

	private final LongSupplier nanoTime;

	private final IntSupplier instances;

	private final Cache<Key, LeaseHolder> holders;

	private final ScheduledThreadPoolExecutor background;

	/** Whether this thread's last decision came from a lease (see {@link #lastAnsweredFromMemory()}). */
	private static final ThreadLocal<Boolean> FROM_MEMORY = ThreadLocal.withInitial(() -> Boolean.FALSE);

	/**
	 * @param source where permits are counted
	 * @param duration how long the permits of one lease may be used
	 * @param maxPermits the largest batch
	 * @param stats where the leases report what they do
	 */
	public PermitLeases(PermitSource source, Duration duration, int maxPermits, LeaseStats stats) {
		this(source, duration, maxPermits, stats, () -> 1);
	}

	/**
	 * @param instances the live instances sharing the quotas: a lease's answer counts a batch
	 * for each other one (see {@link Lease#decision})
	 */
	public PermitLeases(PermitSource source, Duration duration, int maxPermits, LeaseStats stats,
			IntSupplier instances) {
		this(source, duration, maxPermits, stats, instances, System::nanoTime);
	}

	PermitLeases(PermitSource source, Duration duration, int maxPermits, LeaseStats stats, LongSupplier nanoTime) {
		this(source, duration, maxPermits, stats, () -> 1, nanoTime);
	}

	PermitLeases(PermitSource source, Duration duration, int maxPermits, LeaseStats stats, IntSupplier instances,
			LongSupplier nanoTime) {
		this.instances = instances;
		this.source = source;
		this.duration = duration;
		this.maxPermits = maxPermits;
		this.stats = stats;
		this.nanoTime = nanoTime;
		this.holders = Caffeine.newBuilder()
			.maximumSize(100_000)
			// a holder outlives many leases of a hot tenant, and goes once the tenant is quiet
			.expireAfterAccess(Duration.ofSeconds(10).plus(duration))
			.executor(Runnable::run)
			.<Key, LeaseHolder>removalListener((key, holder, cause) -> {
				if (holder != null) {
					holder.retireAll();
				}
			})
			.build();
		this.background = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "tenantlimit-leases");
			thread.setDaemon(true);
			return thread;
		});
		long sweep = Math.max(1, duration.toMillis());
		this.background.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
	}

	@Override
	public RateLimitDecision tryAcquire(String tenantId, List<Quota> quotas) {
		if (!leasable(quotas)) {
			FROM_MEMORY.set(Boolean.FALSE);
			return this.source.tryAcquire(tenantId, quotas);
		}
		Key key = new Key(tenantId, quotas);
		LeaseHolder holder = this.holders.get(key, (k) -> new LeaseHolder(tenantId, quotas, this, now()));
		return holder.decide();
	}

	@Override
	public boolean lastAnsweredFromMemory() {
		return FROM_MEMORY.get();
	}

	void answeredFromMemory(boolean fromMemory) {
		FROM_MEMORY.set(fromMemory);
	}

	@Override
	public boolean reachable() {
		return this.source.reachable();
	}

	@Override
	public void writeBack(LocalAdmissions.Batch batch) {
		this.source.writeBack(batch);
	}

	/** A changed tenant's leases are given back: its quotas or its counters may be new. */
	@Override
	public void apply(TenantChange change) {
		switch (change.kind()) {
			case TENANT -> this.holders.asMap().keySet().removeIf((key) -> key.tenantId().equals(change.id()));
			case ALL -> this.holders.invalidateAll();
			case API_KEY -> {
				// keys do not change what is counted
			}
		}
	}

	/** Give back every unused permit, then stop. */
	@Override
	public void close() {
		this.holders.invalidateAll();
		this.background.shutdown();
		try {
			this.background.awaitTermination(1, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static boolean leasable(List<Quota> quotas) {
		if (quotas.isEmpty()) {
			return false;
		}
		for (Quota quota : quotas) {
			// a charged quota: a charge must refuse the very next request, not one after a lease
			if (!quota.lease() || quota.shadow() || quota.shards() > 1 || quota.charged()) {
				return false;
			}
		}
		return true;
	}

	private void sweep() {
		try {
			long now = now();
			this.holders.cleanUp();
			this.holders.asMap().values().forEach((holder) -> holder.sweep(now));
		}
		catch (RuntimeException ex) {
			// a failed sweep must not end the periodic task
			logger.warn("Could not give back the permits of ended leases; trying again", ex);
		}
	}

	/** Give permits back in the background; they cannot be used any more. */
	void giveBack(String tenantId, List<Quota> quotas, Reservation reservation, int firstUnused, int unused) {
		this.stats.returned(unused);
		Runnable release = () -> {
			try {
				this.source.release(tenantId, quotas, reservation, firstUnused, unused);
			}
			catch (RuntimeException ex) {
				// they expire with the window by themselves
				logger.debug("Could not give back " + unused + " permits of tenant " + tenantId, ex);
			}
		};
		if (!inBackground(release)) {
			release.run();
		}
	}

	/** @return false when the leases are closed and nothing runs in the background any more */
	boolean inBackground(Runnable task) {
		try {
			this.background.execute(task);
			return true;
		}
		catch (RejectedExecutionException ex) {
			return false;
		}
	}

	PermitSource source() {
		return this.source;
	}

	Duration duration() {
		return this.duration;
	}

	int maxPermits() {
		return this.maxPermits;
	}

	LeaseStats stats() {
		return this.stats;
	}

	LongSupplier nanoTime() {
		return this.nanoTime;
	}

	int instances() {
		return this.instances.getAsInt();
	}

	long now() {
		return this.nanoTime.getAsLong();
	}

	private record Key(String tenantId, List<Quota> quotas) {

	}

}
