package dev.tenantlimit.tenant;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Which API keys exist, in memory, so a key nobody created is refused without a database query
 * and without a place in the cache: a flood of random keys can neither reach the database more
 * than {@value #UNKNOWN_LOOKUPS_PER_SECOND} times a second nor evict the real tenants' entries.
 * Holds the first 64 bits of each unrevoked key's hash (about 50 bytes a key); a collision only
 * costs the lookup the key would have had anyway.
 * <p>
 * A key it does not know may still exist: created a moment ago on another instance (its change
 * has not arrived yet) or written to the store by code. Such keys are looked up all the same, at
 * most {@value #UNKNOWN_LOOKUPS_PER_SECOND} a second, so they work at once unless a flood is
 * using that budget up; then they work when their change or the next sync arrives.
 * <p>
 * Kept current by the changes the admin API publishes (a created or revoked key, a deleted
 * tenant), by a query of the keys changed since the last one every {@code refreshAfter}, and by a
 * full reload every {@code reloadAfter}; all of them off the request path. Until the first load
 * has succeeded, every key is looked up as before.
 */
public final class KnownApiKeys {

	private static final Log logger = LogFactory.getLog(KnownApiKeys.class);

	/** Margin for the clocks of the instances that stamp keys' created and revoked times. */
	private static final Duration CLOCK_MARGIN = Duration.ofMinutes(1);

	private final ApiKeyDirectory directory;

	private final Duration refreshAfter;

	private final Duration reloadAfter;

	private final Clock clock;

	private volatile Set<Long> prefixes = ConcurrentHashMap.newKeySet();

	private volatile boolean loaded;

	private volatile Instant syncedAt = Instant.MIN;

	private volatile Instant reloadedAt = Instant.MIN;

	private final AtomicBoolean syncing = new AtomicBoolean();

	/** Lookups of keys it does not know, per second and instance. */
	static final int UNKNOWN_LOOKUPS_PER_SECOND = 10;

	private static final long LOOKUP_INTERVAL_NANOS = 1_000_000_000L / UNKNOWN_LOOKUPS_PER_SECOND;

	private final Executor syncs;

	/** When the next lookup of an unknown key is allowed (a rate with a burst of one second's). */
	private final AtomicLong nextLookup = new AtomicLong(
			System.nanoTime() - 1_000_000_000L);

	public KnownApiKeys(ApiKeyDirectory directory, Duration refreshAfter, Duration reloadAfter, Clock clock) {
		this(directory, refreshAfter, reloadAfter, clock, ForkJoinPool.commonPool());
	}

	/** @param syncs runs the syncs in the background (the tenant cache's refresh thread) */
	public KnownApiKeys(ApiKeyDirectory directory, Duration refreshAfter, Duration reloadAfter, Clock clock,
			Executor syncs) {
		this.syncs = syncs;
		this.directory = directory;
		this.refreshAfter = refreshAfter;
		this.reloadAfter = reloadAfter;
		this.clock = clock;
		syncSoon();
	}

	/**
	 * Whether a key with this hash is known to exist (or may: until the first load, every key).
	 * {@code false}: nobody created it, or it is so new that its change has not arrived yet.
	 */
	public boolean isKnown(String keyHash) {
		if (this.clock.instant().isAfter(this.syncedAt.plus(this.refreshAfter))) {
			syncSoon();
		}
		return !this.loaded || this.prefixes.contains(prefix(keyHash));
	}

	/** Whether a key it does not know may be looked up now, within the budget of lookups. */
	public boolean tryLookUpUnknown() {
		long now = System.nanoTime();
		while (true) {
			long next = this.nextLookup.get();
			if (now - next < 0) {
				return false;
			}
			// a burst of at most one second's lookups after a quiet time
			long start = Math.max(next, now - 1_000_000_000L);
			if (this.nextLookup.compareAndSet(next, start + LOOKUP_INTERVAL_NANOS)) {
				return true;
			}
		}
	}

	/** Whether the first load has succeeded. */
	public boolean isLoaded() {
		return this.loaded;
	}

	/**
	 * A key was created, revoked or found: it is a candidate until the next reload (for a revoked
	 * one, the cache answers that it is revoked).
	 */
	void add(String keyHash) {
		this.prefixes.add(prefix(keyHash));
	}

	/** Anything may have changed (a tenant and its keys deleted): reload soon. */
	void reloadSoon() {
		this.reloadedAt = Instant.MIN;
		syncSoon();
	}

	private void syncSoon() {
		if (this.syncing.compareAndSet(false, true)) {
			CompletableFuture.runAsync(this::sync, this.syncs).whenComplete((done, ex) -> this.syncing.set(false));
		}
	}

	/** Reload when due (or never loaded), else fetch what changed since the last sync. */
	void sync() {
		Instant started = this.clock.instant();
		try {
			if (!this.loaded || started.isAfter(this.reloadedAt.plus(this.reloadAfter))) {
				Set<Long> fresh = ConcurrentHashMap.newKeySet();
				this.directory.activeApiKeyHashes().forEach((hash) -> fresh.add(prefix(hash)));
				this.prefixes = fresh;
				this.reloadedAt = started;
				this.loaded = true;
			}
			else {
				List<ApiKeyDirectory.KeyState> changes = this.directory
					.apiKeysChangedSince(this.syncedAt.minus(CLOCK_MARGIN));
				changes.stream().filter(ApiKeyDirectory.KeyState::active).forEach((key) -> this.prefixes.add(prefix(key.hash())));
			}
			this.syncedAt = started;
		}
		catch (RuntimeException ex) {
			// the store is down or its tables are not there yet: try again on a later request
			this.syncedAt = started;
			logger.debug("Could not read the API keys; keys are looked up one by one until it works", ex);
		}
	}

	private static long prefix(String keyHash) {
		return (keyHash.length() >= 16) ? HexFormat.fromHexDigitsToLong(keyHash, 0, 16) : keyHash.hashCode();
	}

}
