package dev.tenantlimit.security;

import dev.tenantlimit.tenant.ApiKeys;
import dev.tenantlimit.tenant.TenantCache;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Resolves the tenant from an API key header by the key's SHA-256 hash. Looking a key up by its
 * hash leaks nothing useful through timing: an attacker who learns part of a hash still cannot
 * find a key that has it.
 */
public class ApiKeyTenantResolver implements TenantResolver {

	/** Longer headers are refused before hashing; generated keys have 35 characters. */
	static final int MAX_KEY_LENGTH = 256;

	private final TenantCache tenants;

	private final String header;

	private final String challenge;

	public ApiKeyTenantResolver(TenantCache tenants, String header) {
		this.tenants = tenants;
		this.header = header;
		this.challenge = "ApiKey realm=\"tenantlimit\", header=\"" + header + "\"";
	}

	/** The request's API key, stripped, or an empty string without one. */
	public String apiKey(HttpServletRequest request) {
		String key = request.getHeader(this.header);
		return (key != null) ? key.strip() : "";
	}

	@Override
	public @Nullable String resolveTenantId(HttpServletRequest request) {
		String key = request.getHeader(this.header);
		if (key == null || key.isBlank()) {
			return null;
		}
		if (key.length() > MAX_KEY_LENGTH) {
			throw new InvalidCredentialsException(this.challenge, "Unknown or revoked API key");
		}
		return this.tenants.tenantIdForApiKeyHash(ApiKeys.hash(key.strip()))
			.orElseThrow(() -> new InvalidCredentialsException(this.challenge, "Unknown or revoked API key"));
	}

}
