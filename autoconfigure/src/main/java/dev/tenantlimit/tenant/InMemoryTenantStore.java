package dev.tenantlimit.tenant;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tenants and API key hashes in this instance's memory, for an application without a database
 * (as Spring Session has {@code MapSessionRepository}): every instance has its own, so tenants put
 * here in code are not shared. With the default unknown-tenant policy, verified tenants that are
 * not here get the default quotas, which is what most applications without a database want.
 */
public class InMemoryTenantStore implements TenantStore {

	private final Map<String, Tenant> tenants = new ConcurrentHashMap<>();

	private final Map<String, String> apiKeyHashes = new ConcurrentHashMap<>();

	@Override
	public Optional<Tenant> findTenant(String tenantId) {
		return Optional.ofNullable(this.tenants.get(tenantId));
	}

	@Override
	public Optional<String> findTenantIdByApiKeyHash(String keyHash) {
		return Optional.ofNullable(this.apiKeyHashes.get(keyHash));
	}

	/** Store or replace a tenant (its quotas, plan and status). */
	public void save(Tenant tenant) {
		this.tenants.put(tenant.id(), tenant);
	}

	/** Accept an API key, by the SHA-256 hash {@code ApiKeys.hash} gives, for a tenant. */
	public void addApiKeyHash(String keyHash, String tenantId) {
		this.apiKeyHashes.put(keyHash, tenantId);
	}

}
