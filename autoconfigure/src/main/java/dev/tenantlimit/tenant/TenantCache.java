package dev.tenantlimit.tenant;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import org.jspecify.annotations.Nullable;

/**
 * Reads tenants and API keys through an in-process cache, so the request path queries the store
 * only on a miss. Entries are refreshed in the background once older than {@code refreshAfter}
 * (the request that notices is served the cached value), and dropped when unused for
 * {@code expireAfter}. Unknown tenants and keys are cached too, so repeating a bad credential
 * does not reach the database. With a store that can list its keys ({@link ApiKeyDirectory}), a
 * key that does not exist is refused from memory ({@link KnownApiKeys}): random keys neither
 * reach the database nor take the real ones' places in the cache.
 */
public class TenantCache implements TenantChangeListener, AutoCloseable {

	/**
	 * Runs the background refreshes. Caffeine's default, the common fork-join pool, has a
	 * parallelism of one on a two-core machine, where {@code CompletableFuture} then starts a new
	 * thread for every task: a thread per refresh, a hundred a second over 1,000 tenants. The
	 * known API keys sync on it too. Behind a backlog of 100,000 (a store that stopped answering),
	 * a refresh runs on the thread that asked for it rather than being lost.
	 */
	private final ThreadPoolExecutor refreshes = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
			new LinkedBlockingQueue<>(100_000), (task) -> {
				Thread thread = new Thread(task, "tenantlimit-cache-refresh");
				thread.setDaemon(true);
				return thread;
			}, new ThreadPoolExecutor.CallerRunsPolicy());

	private final LoadingCache<String, Optional<Tenant>> tenants;

	private final LoadingCache<String, Optional<String>> apiKeys;

	private final @Nullable KnownApiKeys knownApiKeys;

	private final TenantStore store;

	public TenantCache(TenantStore store, Duration refreshAfter, Duration expireAfter, long maximumSize) {
		this.store = store;
		this.knownApiKeys = (store instanceof ApiKeyDirectory directory)
				? new KnownApiKeys(directory, refreshAfter, expireAfter, Clock.systemUTC(), this.refreshes) : null;
		this.tenants = Caffeine.newBuilder()
			.executor(this.refreshes)
			.refreshAfterWrite(refreshAfter)
			.expireAfterWrite(expireAfter)
			.maximumSize(maximumSize)
			.build(store::findTenant);
		this.apiKeys = Caffeine.newBuilder()
			.executor(this.refreshes)
			.refreshAfterWrite(refreshAfter)
			.expireAfterWrite(expireAfter)
			.maximumSize(maximumSize)
			.build(store::findTenantIdByApiKeyHash);
	}

	/** The tenant with this id; empty for a malformed or unknown id. */
	public Optional<Tenant> tenant(String tenantId) {
		return Tenant.isValidId(tenantId) ? this.tenants.get(tenantId) : Optional.empty();
	}

	/** The id of the tenant owning the unrevoked API key with this hash. */
	public Optional<String> tenantIdForApiKeyHash(String keyHash) {
		if (this.knownApiKeys == null || this.knownApiKeys.isKnown(keyHash)) {
			return this.apiKeys.get(keyHash);
		}
		// unknown here: brand new elsewhere, written by code, or made up; never cached when absent
		if (!this.knownApiKeys.tryLookUpUnknown()) {
			return Optional.empty();
		}
		Optional<String> found = this.store.findTenantIdByApiKeyHash(keyHash);
		if (found.isPresent()) {
			this.knownApiKeys.add(keyHash);
			this.apiKeys.put(keyHash, found);
		}
		return found;
	}

	/** The keys known to exist, when the store can list them. */
	public @Nullable KnownApiKeys knownApiKeys() {
		return this.knownApiKeys;
	}

	/** Stop the refreshes (entries stay as they are). */
	@Override
	public void close() {
		this.refreshes.shutdownNow();
	}

	/** Forget what a change made stale, so the next request reads the store. */
	@Override
	public void apply(TenantChange change) {
		switch (change.kind()) {
			case TENANT -> this.tenants.invalidate(change.id());
			case API_KEY -> {
				this.apiKeys.invalidate(change.id());
				if (this.knownApiKeys != null) {
					// created or revoked: a candidate until the next reload either way
					this.knownApiKeys.add(change.id());
				}
			}
			case ALL -> {
				this.tenants.invalidateAll();
				this.apiKeys.invalidateAll();
				if (this.knownApiKeys != null) {
					this.knownApiKeys.reloadSoon();
				}
			}
		}
	}

}
