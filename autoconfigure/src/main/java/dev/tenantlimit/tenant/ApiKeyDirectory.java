package dev.tenantlimit.tenant;

import java.time.Instant;
import java.util.List;

/**
 * A {@link TenantStore} that can list its API keys, so a {@link TenantCache} knows which keys
 * exist without a query per unknown key.
 */
public interface ApiKeyDirectory {

	/** Hashes of every unrevoked key. */
	List<String> activeApiKeyHashes();

	/**
	 * Keys created or revoked at or after {@code since}.
	 * @return per hash, whether the key is active now
	 */
	List<KeyState> apiKeysChangedSince(Instant since);

	/**
	 * A key's hash and whether it is active.
	 *
	 * @param hash the key's {@link ApiKeys#hash(String) hash}
	 * @param active whether it is unrevoked
	 */
	record KeyState(String hash, boolean active) {

	}

}
