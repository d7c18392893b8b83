package dev.tenantlimit.web;

import java.util.Optional;

import dev.tenantlimit.tenant.Tenant;
import org.jspecify.annotations.Nullable;

/**
 * The tenant of the request the current thread serves, set by {@link TenantRateLimitFilter} and
 * always cleared when the request leaves it. In controllers, prefer a {@link CurrentTenant}
 * argument.
 */
public final class TenantContext {

	/** Request attribute holding the {@link Tenant}. */
	public static final String REQUEST_ATTRIBUTE = TenantContext.class.getName() + ".tenant";

	/** MDC key holding the tenant id, for log patterns: {@code %X{tenant}}. */
	public static final String MDC_KEY = "tenant";

	private static final ThreadLocal<Tenant> CURRENT = new ThreadLocal<>();

	private TenantContext() {
	}

	/** The current tenant, if a request of a resolved tenant is being served. */
	public static Optional<Tenant> current() {
		return Optional.ofNullable(CURRENT.get());
	}

	/** The current tenant's id, or {@code null}. */
	public static @Nullable String currentTenantId() {
		Tenant tenant = CURRENT.get();
		return (tenant != null) ? tenant.id() : null;
	}

	static void set(Tenant tenant) {
		CURRENT.set(tenant);
	}

	static void clear() {
		CURRENT.remove();
	}

}
