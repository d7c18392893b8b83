package dev.tenantlimit.tenant;

/** Something in this instance that must forget what a {@link TenantChange} made stale. */
@FunctionalInterface
public interface TenantChangeListener {

	void apply(TenantChange change);

}
