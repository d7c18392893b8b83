package dev.tenantlimit.tenant;

/**
 * What a request gets when its credentials are verified (a signed token, the application's own
 * authentication) but name a tenant that is not stored: tenants the application already knows
 * need not be created in TenantLimit first.
 */
public enum UnknownTenantPolicy {

	/** Serve it with the default quotas, as a tenant without quotas of its own. */
	DEFAULT_QUOTAS,

	/** Refuse it with 401. */
	REJECT

}
