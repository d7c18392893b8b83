package dev.tenantlimit.tenant;

import java.util.List;
import java.util.regex.Pattern;

import dev.tenantlimit.quota.Quota;
import org.jspecify.annotations.Nullable;

/**
 * A tenant of the application, as stored in the shared database.
 *
 * @param id tenant id, matching {@link #ID_PATTERN}
 * @param name display name
 * @param plan plan the tenant is on, or {@code null}
 * @param status whether the tenant is served
 * @param quotas the tenant's own quotas; empty when the configured defaults apply
 */
public record Tenant(String id, String name, @Nullable String plan, TenantStatus status, List<Quota> quotas) {

	/** What a tenant id looks like: it appears in Redis keys, URLs and logs. */
	public static final Pattern ID_PATTERN = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

	public Tenant {
		if (!isValidId(id)) {
			throw new IllegalArgumentException("tenant id must match " + ID_PATTERN.pattern());
		}
		quotas = List.copyOf(quotas);
	}

	/**
	 * A tenant named by verified credentials but not stored: active, with the default quotas.
	 * @see UnknownTenantPolicy#DEFAULT_QUOTAS
	 */
	public static Tenant notStored(String id) {
		return new Tenant(id, id, null, TenantStatus.ACTIVE, List.of());
	}

	/** Whether {@code id} is a well-formed tenant id. */
	public static boolean isValidId(@Nullable String id) {
		// ID_PATTERN as a loop: this runs on every request, where the regex was 1 % of the JVM's samples
		if (id == null || id.isEmpty() || id.length() > 64 || !isLowerAlphanumeric(id.charAt(0))) {
			return false;
		}
		for (int i = 1; i < id.length(); i++) {
			char c = id.charAt(i);
			if (!isLowerAlphanumeric(c) && c != '_' && c != '-') {
				return false;
			}
		}
		return true;
	}

	private static boolean isLowerAlphanumeric(char c) {
		return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
	}

	/** This tenant with other quotas. */
	public Tenant withQuotas(List<Quota> quotas) {
		return new Tenant(this.id, this.name, this.plan, this.status, quotas);
	}

	/** Whether this tenant's requests are served. */
	public boolean isActive() {
		return this.status == TenantStatus.ACTIVE;
	}

}
