package dev.tenantlimit.autoconfigure;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.IntStream;

import dev.tenantlimit.quota.Quota;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/** Turns {@code tenantlimit.default-quotas} entries into quotas, failing start-up on a bad one. */
final class ConfiguredQuotas {

	private ConfiguredQuotas() {
	}

	static List<Quota> defaultQuotas(TenantLimitProperties properties) {
		List<TenantLimitProperties.QuotaProperties> configured = properties.getDefaultQuotas();
		return IntStream.range(0, configured.size()).mapToObj((index) -> toQuota(index, configured.get(index))).toList();
	}

	private static Quota toQuota(int index, TenantLimitProperties.QuotaProperties properties) {
		try {
			return new Quota(null, properties.getLimit(), properties.getWindow(), properties.getPath(),
					new LinkedHashSet<>(properties.getMethods()), properties.isShadow());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("tenantlimit.default-quotas[" + index + "]",
					properties.getLimit() + " per " + properties.getWindow(), ex.getMessage());
		}
	}

}
