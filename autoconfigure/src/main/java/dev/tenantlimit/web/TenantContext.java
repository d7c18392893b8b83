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

	private static final ThreadLocal<RequestCharges> CHARGES = new ThreadLocal<>();

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

	/**
	 * Charge the current request's tenant {@code units} more, once the work shows what it cost
	 * (tokens of a model call, bytes exported): they count against the quotas of this request that
	 * are marked {@code charged}, sent to Redis in the background when the request is done. A
	 * quota pushed over its limit refuses the tenant's next requests until its window frees it.
	 * Call it on the thread that serves the request; handlers that are not Java set the
	 * {@code TenantLimit-Charge} response header instead.
	 * @param units at least 0
	 * @return whether a charged quota applies to this request; when none does, nothing is charged
	 */
	public static boolean charge(long units) {
		RequestCharges charges = CHARGES.get();
		if (charges == null) {
			return false;
		}
		charges.add(units);
		return charges.applies();
	}

	static void set(Tenant tenant, @Nullable RequestCharges charges) {
		CURRENT.set(tenant);
		if (charges != null) {
			CHARGES.set(charges);
		}
	}

	static void clear() {
		CURRENT.remove();
		CHARGES.remove();
	}

}
