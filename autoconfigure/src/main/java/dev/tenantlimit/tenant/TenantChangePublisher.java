package dev.tenantlimit.tenant;

/** Makes every instance's {@link TenantCache} forget what a change made stale. */
@FunctionalInterface
public interface TenantChangePublisher {

	void publish(TenantChange change);

}
