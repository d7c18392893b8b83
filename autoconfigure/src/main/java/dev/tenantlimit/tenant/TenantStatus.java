package dev.tenantlimit.tenant;

/** Whether a tenant's requests are served. */
public enum TenantStatus {

	/** Requests are served within the tenant's quotas. */
	ACTIVE,

	/** Every request is refused with 403. */
	SUSPENDED

}
