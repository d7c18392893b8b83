package dev.tenantlimit.autoconfigure;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import dev.tenantlimit.limiter.FallbackState;
import dev.tenantlimit.reload.ConfigurationReload;
import dev.tenantlimit.web.TenantRateLimitFilter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

/**
 * Applies a reloaded {@code tenantlimit.*} configuration: the settings a request reads each time
 * go to the filter and the fallback at once (counters are kept: they are keyed by what a quota
 * counts, so a changed limit applies to the requests already counted); the others are logged as
 * waiting for a restart. A configuration that does not bind, or names a bad quota, is refused
 * whole, and the one in use stays.
 */
final class LiveSettings implements ConfigurationReload.Listener {

	private static final Log logger = LogFactory.getLog(LiveSettings.class);

	/** What can change without a restart: these properties and those under them. */
	static final List<ConfigurationPropertyName> LIVE = Stream
		.of("tenantlimit.default-quotas", "tenantlimit.filter.exclude-paths", "tenantlimit.filter.allow-anonymous",
				"tenantlimit.unknown-tenant-policy", "tenantlimit.exempt", "tenantlimit.dry-run", "tenantlimit.fail-mode",
				"tenantlimit.anonymous")
		.map(ConfigurationPropertyName::of)
		.toList();

	private final TenantLimitProperties properties;

	private final TenantRateLimitFilter filter;

	private final FallbackState fallback;

	LiveSettings(TenantLimitProperties properties, TenantRateLimitFilter filter, FallbackState fallback) {
		this.properties = properties;
		this.filter = filter;
		this.fallback = fallback;
	}

	@Override
	public boolean reloaded(Binder binder, Set<ConfigurationPropertyName> changed) {
		TenantLimitProperties next;
		TenantRateLimitFilter.Settings settings;
		try {
			next = binder.bindOrCreate("tenantlimit", TenantLimitProperties.class);
			settings = TenantLimitWebAutoConfiguration.filterSettings(this.properties, next);
			// what only a restart applies is checked as start-up checks it: a bad value fails now,
			// not at the next pod's start
			TenantLimitWebAutoConfiguration.checkLease(next.getLease());
			ConfiguredQuotas.algorithms(next);
		}
		catch (RuntimeException ex) {
			logger.error("Refused the changed configuration (" + names(changed) + "); the one in use stays: "
					+ ex.getMessage());
			return false;
		}
		// the bean shows what is in use (actuator, admin API), so it takes the new values too
		this.properties.setDefaultQuotas(next.getDefaultQuotas());
		this.properties.getFilter().setExcludePaths(next.getFilter().getExcludePaths());
		this.properties.getFilter().setAllowAnonymous(next.getFilter().isAllowAnonymous());
		this.properties.setUnknownTenantPolicy(next.getUnknownTenantPolicy());
		this.properties.getExempt().setTenants(next.getExempt().getTenants());
		this.properties.getExempt().setRoles(next.getExempt().getRoles());
		this.properties.getAnonymous().setQuotas(next.getAnonymous().getQuotas());
		this.properties.setDryRun(next.isDryRun());
		this.properties.setFailMode(next.getFailMode());
		this.filter.apply(settings);
		this.fallback.mode(next.getFailMode());
		Set<ConfigurationPropertyName> atRestart = new TreeSet<>();
		for (ConfigurationPropertyName name : changed) {
			if (LIVE.stream().noneMatch((live) -> live.equals(name) || live.isAncestorOf(name))) {
				atRestart.add(name);
			}
		}
		if (!atRestart.isEmpty()) {
			logger.warn("Changed, but applied only at the next restart: " + names(atRestart));
		}
		return true;
	}

	private static String names(Set<ConfigurationPropertyName> names) {
		return String.join(", ", names.stream().map(ConfigurationPropertyName::toString).toList());
	}

}
