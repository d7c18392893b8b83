package dev.tenantlimit.admin;

import java.util.List;

import dev.tenantlimit.quota.Quota;
import org.jspecify.annotations.Nullable;

/** A stored quota as the admin API shows it; {@code window} in ISO-8601 ({@code PT1M}). */
public record QuotaView(@Nullable Long id, long limit, String window, String path, List<String> methods,
		boolean shadow, String algorithm, @Nullable Long burst, int shards, boolean lease, long cost,
		List<String> per, boolean charged, String delay) {

	static QuotaView of(Quota quota) {
		return new QuotaView(quota.id(), quota.limit(), quota.window().toString(), quota.path(),
				List.copyOf(quota.methods()), quota.shadow(), quota.algorithm().id(),
				(quota.burst() > 0) ? quota.burst() : null, quota.shards(), quota.lease(), quota.cost(), quota.per(), quota.charged(),
				quota.delay().toString());
	}

	static List<QuotaView> of(List<Quota> quotas) {
		return quotas.stream().map(QuotaView::of).toList();
	}

}
