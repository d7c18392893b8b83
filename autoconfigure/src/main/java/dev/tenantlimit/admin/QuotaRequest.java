package dev.tenantlimit.admin;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One quota in the body of a {@code PUT} of quotas.
 *
 * @param limit requests per window, at least 1
 * @param window {@code 10s}, {@code 1m}, {@code PT1H}...: from 1 s to 366 d
 * @param path Ant-style path pattern, {@code /**} when absent
 * @param methods HTTP methods, every method when absent or empty
 * @param shadow whether the quota only reports what it would refuse; false when absent
 * @param algorithm {@code auto} (when absent), {@code sliding-log}, {@code sliding-counter} or
 * {@code token-bucket}
 * @param burst bucket size of a token bucket; the limit when absent
 * @param shards number of Redis keys the tenant's counters are spread over, 1 when absent; the same
 * for every quota of a tenant or plan
 * @param lease whether a hot tenant's permits of this quota may be reserved in batches; true when
 * absent
 * @param cost units of the limit one matching request uses, 1 when absent; at most what one shard
 * holds (the burst or limit divided by the shards)
 * @param per what the quota is counted for within the tenant ({@code client-ip}, {@code path},
 * {@code header:<name>}, {@code claim:<name>}); one count per tenant when absent or empty
 * @param charged whether what the application charges after the work counts against the quota;
 * false when absent (with true, the cost may be 0)
 * @param delay how long a request the quota would refuse may wait for it instead ({@code 500ms},
 * {@code 2s}; at most 30 s); 0 when absent
 */
public record QuotaRequest(@Nullable Long limit, @Nullable String window, @Nullable String path,
		@Nullable List<String> methods, @Nullable Boolean shadow, @Nullable String algorithm, @Nullable Long burst,
		@Nullable Integer shards, @Nullable Boolean lease, @Nullable Long cost, @Nullable List<String> per,
		@Nullable Boolean charged, @Nullable String delay) {

	/** A quota request with the default algorithm, burst and shards. */
	public QuotaRequest(@Nullable Long limit, @Nullable String window, @Nullable String path,
			@Nullable List<String> methods, @Nullable Boolean shadow) {
		this(limit, window, path, methods, shadow, null, null, null, null, null, null, null, null);
	}

}
