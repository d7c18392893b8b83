package dev.tenantlimit.autoconfigure;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.IntStream;

import dev.tenantlimit.quota.PathPatterns;
import dev.tenantlimit.quota.AlgorithmSettings;
import dev.tenantlimit.quota.Quota;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/** Turns {@code tenantlimit.default-quotas} entries into quotas, failing start-up on a bad one. */
final class ConfiguredQuotas {

	private ConfiguredQuotas() {
	}

	static List<Quota> defaultQuotas(TenantLimitProperties properties) {
		return quotas("tenantlimit.default-quotas", properties.getDefaultQuotas());
	}

	/** {@code tenantlimit.anonymous.quotas}, checked as the default quotas are. */
	static List<Quota> anonymousQuotas(TenantLimitProperties properties) {
		return quotas("tenantlimit.anonymous.quotas", properties.getAnonymous().getQuotas());
	}

	private static List<Quota> quotas(String name, List<TenantLimitProperties.QuotaProperties> configured) {
		List<Quota> quotas = IntStream.range(0, configured.size())
			.mapToObj((index) -> toQuota(name + "[" + index + "]", configured.get(index)))
			.toList();
		if (quotas.stream().map(Quota::shards).distinct().count() > 1) {
			throw new InvalidConfigurationPropertyValueException(name, quotas.stream().map(Quota::shards).toList(),
					"every quota of a request must have the same shards");
		}
		return quotas;
	}

	static AlgorithmSettings algorithms(TenantLimitProperties properties) {
		TenantLimitProperties.Algorithms algorithms = properties.getAlgorithms();
		try {
			return new AlgorithmSettings(algorithms.getLogMaxLimit(), algorithms.getSubWindows());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("tenantlimit.algorithms",
					algorithms.getLogMaxLimit() + ", " + algorithms.getSubWindows(), ex.getMessage());
		}
	}

	private static Quota toQuota(String name, TenantLimitProperties.QuotaProperties properties) {
		String pathProblem = PathPatterns.problem(properties.getPath());
		if (pathProblem != null) {
			throw new InvalidConfigurationPropertyValueException(name + ".path",
					properties.getPath(), "The path " + pathProblem);
		}
		Quota quota;
		try {
			quota = new Quota(null, properties.getLimit(), properties.getWindow(), properties.getPath(),
					new LinkedHashSet<>(properties.getMethods()), properties.isShadow(), properties.getAlgorithm(),
					properties.getBurst(), properties.getShards(), properties.isLease(), properties.getCost(),
					properties.getPer(), "", properties.isCharged(), properties.getDelay());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException(name,
					properties.getLimit() + " per " + properties.getWindow(), ex.getMessage());
		}
		if (quota.cost() > quota.largestCost()) {
			throw new InvalidConfigurationPropertyValueException(name + ".cost", quota.cost(),
					"A request may cost at most what the quota holds when full (its burst or limit, divided by its shards): "
							+ quota.largestCost());
		}
		return quota;
	}

}
