package dev.tenantlimit.tenant;

import java.util.Optional;

/**
 * Where tenants and API keys are read from. Implementations may query a database on every
 * call: the request path reads through a {@link TenantCache}.
 */
public interface TenantStore {

	/** The tenant with this id, with its quotas. */
	Optional<Tenant> findTenant(String tenantId);

	/**
	 * The id of the tenant owning the unrevoked API key with this hash.
	 * @param keyHash the key's {@link ApiKeys#hash(String) hash}
	 */
	Optional<String> findTenantIdByApiKeyHash(String keyHash);

}
