package dev.tenantlimit.tenant;

import java.time.Duration;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;

/**
 * Reads tenants and API keys through an in-process cache, so the request path queries the store
 * only on a miss. Entries are refreshed in the background once older than {@code refreshAfter}
 * (the request that notices is served the cached value), and dropped when unused for
 * {@code expireAfter}. Unknown tenants and keys are cached too, so repeating a bad credential
 * does not reach the database.
 */
public class TenantCache implements TenantChangeListener {

	private final LoadingCache<String, Optional<Tenant>> tenants;

	private final LoadingCache<String, Optional<String>> apiKeys;

	public TenantCache(TenantStore store, Duration refreshAfter, Duration expireAfter, long maximumSize) {
		this.tenants = Caffeine.newBuilder()
			.refreshAfterWrite(refreshAfter)
			.expireAfterWrite(expireAfter)
			.maximumSize(maximumSize)
			.build(store::findTenant);
		this.apiKeys = Caffeine.newBuilder()
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
		return this.apiKeys.get(keyHash);
	}

	/** Forget what a change made stale, so the next request reads the store. */
	@Override
	public void apply(TenantChange change) {
		switch (change.kind()) {
			case TENANT -> this.tenants.invalidate(change.id());
			case API_KEY -> this.apiKeys.invalidate(change.id());
			case ALL -> {
				this.tenants.invalidateAll();
				this.apiKeys.invalidateAll();
			}
		}
	}

}
