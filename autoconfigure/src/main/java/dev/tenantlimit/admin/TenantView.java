package dev.tenantlimit.admin;

import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantStatus;
import org.jspecify.annotations.Nullable;

/** A tenant as the admin API shows it. */
public record TenantView(String id, String name, @Nullable String plan, TenantStatus status) {

	static TenantView of(Tenant tenant) {
		return new TenantView(tenant.id(), tenant.name(), tenant.plan(), tenant.status());
	}

}
