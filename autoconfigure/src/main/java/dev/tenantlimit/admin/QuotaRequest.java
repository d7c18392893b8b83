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
 */
public record QuotaRequest(@Nullable Long limit, @Nullable String window, @Nullable String path,
		@Nullable List<String> methods, @Nullable Boolean shadow) {

}
