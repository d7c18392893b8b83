package dev.tenantlimit.tenant;

import org.jspecify.annotations.Nullable;

/**
 * A change that cached copies must forget, as sent between instances: {@code tenant:<id>},
 * {@code api-key:<hash>} or {@code all}.
 *
 * @param kind what changed
 * @param id the tenant id or key hash; empty for {@link Kind#ALL}
 */
public record TenantChange(Kind kind, String id) {

	/** What changed. */
	public enum Kind {

		/** One tenant: its status, plan or quotas. */
		TENANT,

		/** One API key, by hash. */
		API_KEY,

		/** Anything, e.g. a plan many tenants are on. */
		ALL

	}

	public static TenantChange tenant(String tenantId) {
		return new TenantChange(Kind.TENANT, tenantId);
	}

	public static TenantChange apiKey(String keyHash) {
		return new TenantChange(Kind.API_KEY, keyHash);
	}

	public static TenantChange all() {
		return new TenantChange(Kind.ALL, "");
	}

	/** The message form. */
	public String encode() {
		return switch (this.kind) {
			case TENANT -> "tenant:" + this.id;
			case API_KEY -> "api-key:" + this.id;
			case ALL -> "all";
		};
	}

	/** The change a message names; {@code null} for a message this version does not understand. */
	public static @Nullable TenantChange decode(String message) {
		if (message.equals("all")) {
			return all();
		}
		if (message.startsWith("tenant:")) {
			return tenant(message.substring("tenant:".length()));
		}
		if (message.startsWith("api-key:")) {
			return apiKey(message.substring("api-key:".length()));
		}
		return null;
	}

}
