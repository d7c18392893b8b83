package dev.tenantlimit.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.IntSupplier;

import dev.tenantlimit.annotation.HandlerQuotas;
import dev.tenantlimit.quota.PathPatterns;
import dev.tenantlimit.limiter.BackgroundCharges;
import dev.tenantlimit.limiter.Charger;
import dev.tenantlimit.limiter.ConcurrencyLeases;
import dev.tenantlimit.lease.LeaseStats;
import dev.tenantlimit.lease.PermitLeases;
import dev.tenantlimit.lease.PermitSource;
import dev.tenantlimit.limiter.DenyCachingRateLimiter;
import dev.tenantlimit.limiter.FailoverRateLimiter;
import dev.tenantlimit.limiter.FallbackState;
import dev.tenantlimit.limiter.LimiterWarmup;
import dev.tenantlimit.limiter.LocalAdmissions;
import dev.tenantlimit.limiter.LocalFallback;
import dev.tenantlimit.limiter.LocalSlidingWindowRateLimiter;
import dev.tenantlimit.limiter.RateLimiter;
import dev.tenantlimit.limiter.SharedCounts;
import dev.tenantlimit.redis.InstanceHeartbeat;
import dev.tenantlimit.redis.RedisTenantChanges;
import dev.tenantlimit.redis.TenantChangeListenerContainer;
import dev.tenantlimit.security.ApiKeyTenantResolver;
import dev.tenantlimit.security.AuthenticationTenantResolver;
import dev.tenantlimit.security.TenantResolver;
import dev.tenantlimit.tenant.TenantCache;
import dev.tenantlimit.tenant.TenantStore;
import dev.tenantlimit.web.ConcurrencyLimits;
import dev.tenantlimit.web.CurrentTenantArgumentResolver;
import dev.tenantlimit.web.ProblemResponses;
import dev.tenantlimit.web.RequestObserver;
import dev.tenantlimit.web.ErrorPathFilter;
import dev.tenantlimit.web.HeldRequestsFilter;
import dev.tenantlimit.web.MalformedRequestResolver;
import dev.tenantlimit.web.ProblemRequestRejectedHandler;
import dev.tenantlimit.web.TenantRateLimitFilter;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import jakarta.servlet.DispatcherType;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.core.Authentication;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Auto-configuration of the request path: the tenant cache, the tenant resolvers and the
 * {@link TenantRateLimitFilter}, registered just after Spring Security's filter chain.
 */
@AutoConfiguration(after = { TenantLimitJdbcAutoConfiguration.class, TenantLimitRedisAutoConfiguration.class,
		JacksonAutoConfiguration.class }, afterName = "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(WebMvcConfigurer.class)
@ConditionalOnBean({ TenantStore.class, RateLimiter.class })
@ConditionalOnBooleanProperty(name = "tenantlimit.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TenantLimitProperties.class)
@Import(TenantLimitJwtConfiguration.class)
public final class TenantLimitWebAutoConfiguration {

	/** Resolver orders: an existing Authentication first, then a bearer JWT, then an API key. */
	static final int AUTHENTICATION_ORDER = 100;

	static final int JWT_ORDER = 200;

	static final int API_KEY_ORDER = 300;

	@Bean
	@ConditionalOnMissingBean
	TenantCache tenantCache(TenantStore store, TenantLimitProperties properties) {
		TenantLimitProperties.Cache cache = properties.getCache();
		return new TenantCache(store, cache.getRefreshAfter(), cache.getExpireAfter(), cache.getMaximumSize());
	}

	@Bean
	@Order(API_KEY_ORDER)
	@ConditionalOnMissingBean
	ApiKeyTenantResolver apiKeyTenantResolver(TenantCache tenantCache, TenantLimitProperties properties) {
		return new ApiKeyTenantResolver(tenantCache, properties.getApiKey().getHeader());
	}

	@Bean
	@ConditionalOnMissingBean
	ProblemResponses tenantLimitProblemResponses(ObjectProvider<JsonMapper> jsonMapper) {
		return new ProblemResponses(jsonMapper.getIfAvailable(JsonMapper::shared));
	}

	@Bean
	@ConditionalOnMissingBean
	FallbackState tenantLimitFallbackState(TenantLimitProperties properties,
			ObjectProvider<InstanceHeartbeat> heartbeat) {
		Integer configured = properties.getFallback().getInstances();
		InstanceHeartbeat counted = heartbeat.getIfAvailable();
		IntSupplier instances = (configured != null) ? () -> configured : (counted != null) ? counted : () -> 1;
		return new FallbackState(properties.getFailMode(), instances);
	}

	@Bean
	@ConditionalOnMissingBean
	LeaseStats tenantLimitLeaseStats() {
		return new LeaseStats();
	}

	@Bean
	@ConditionalOnMissingBean
	TenantRateLimitFilter tenantRateLimitFilter(ObjectProvider<TenantResolver> resolvers, TenantCache tenantCache,
			RateLimiter rateLimiter, TenantLimitProperties properties, ProblemResponses problems,
			FallbackState fallbackState, ObjectProvider<RedisTenantChanges> changes,
			ObjectProvider<ConcurrencyLeases> leases, ObjectProvider<RequestObserver> observer, LeaseStats leaseStats,
			ObjectProvider<HandlerQuotas> handlerQuotas, ObjectProvider<BackgroundCharges> charges) {
		LocalFallback fallback = new LocalFallback(
				new LocalSlidingWindowRateLimiter(ConfiguredQuotas.algorithms(properties)), new SharedCounts(),
				new LocalAdmissions(), fallbackState::liveInstances);
		RateLimiter shared = rateLimiter;
		TenantLimitProperties.Lease lease = properties.getLease();
		checkLease(lease);
		if (lease.isEnabled() && rateLimiter instanceof PermitSource source) {
			PermitLeases permitLeases = new PermitLeases(source, lease.getDuration(), lease.getMaxPermits(), leaseStats,
					fallbackState::liveInstances);
			changes.ifAvailable((published) -> published.addListener(permitLeases));
			shared = permitLeases;
		}
		RateLimiter limiter = new FailoverRateLimiter(shared, fallback, fallbackState,
				properties.getFallback().getRetryInterval(), properties.getFallback().getFailureWindow());
		if (properties.getDenyCache().isEnabled()) {
			DenyCachingRateLimiter denyCache = new DenyCachingRateLimiter(limiter, properties.getDenyCache().getMaxAge());
			changes.ifAvailable((published) -> published.addListener(denyCache));
			limiter = denyCache;
		}
		TenantRateLimitFilter filter = new TenantRateLimitFilter(resolvers.orderedStream().toList(), tenantCache,
				limiter, filterSettings(properties), problems,
				concurrencyLimits(properties, leases.getIfAvailable(), fallbackState),
				observer.getIfAvailable(() -> RequestObserver.NONE));
		filter.setHandlerQuotas(handlerQuotas.getIfAvailable());
		filter.setCharger(charges.getIfAvailable());
		TenantLimitProperties.Shaping shaping = properties.getShaping();
		filter.enableShaping(shaping.getMaxWaiting(), shaping.getMaxWaitingPerTenant());
		return filter;
	}

	/** Charges after the work, sent to Redis from a background thread (closed with the context). */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(Charger.class)
	BackgroundCharges tenantLimitCharges(Charger charger) {
		return new BackgroundCharges(charger, 10_000);
	}

	/** The quotas controllers declare with {@code @RateLimited}, read once the handlers are known. */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnClass(name = "org.springframework.web.servlet.HandlerMapping")
	static HandlerQuotas tenantLimitHandlerQuotas(ListableBeanFactory beans) {
		return new HandlerQuotas(beans);
	}

	/**
	 * Decide a few requests before the application reports ready (Spring Boot's readiness state
	 * turns ACCEPTING_TRAFFIC after the started event), so the first burst is decided by Redis.
	 */
	@Bean
	ApplicationListener<ApplicationStartedEvent> tenantLimitWarmup(TenantRateLimitFilter filter) {
		return (event) -> new LimiterWarmup(filter.limiter(), 200, Duration.ofSeconds(5)).run();
	}

	/**
	 * A lease longer than the second of margin every key's expiry has could outlive its key; a
	 * batch over 2000 would not fit one Redis call's arguments.
	 */
	static void checkLease(TenantLimitProperties.Lease lease) {
		if (lease.getDuration().isNegative() || lease.getDuration().isZero()
				|| lease.getDuration().compareTo(Duration.ofSeconds(1)) > 0) {
			throw new InvalidConfigurationPropertyValueException("tenantlimit.lease.duration", lease.getDuration(),
					"A lease must last more than 0 and at most 1s");
		}
		if (lease.getMaxPermits() < 1 || lease.getMaxPermits() > 2000) {
			throw new InvalidConfigurationPropertyValueException("tenantlimit.lease.max-permits",
					lease.getMaxPermits(), "A batch must be from 1 to 2000 permits");
		}
	}

	private static @Nullable ConcurrencyLimits concurrencyLimits(TenantLimitProperties properties,
			@Nullable ConcurrencyLeases leases, FallbackState fallbackState) {
		TenantLimitProperties.Concurrency concurrency = properties.getConcurrency();
		ConcurrencyLimits.Caps caps = new ConcurrencyLimits.Caps(concurrency.getGlobal().getRead(),
				concurrency.getGlobal().getMutating(), concurrency.getTenant().getRead(),
				concurrency.getTenant().getMutating());
		return caps.any() ? new ConcurrencyLimits(caps, leases, fallbackState::isActive) : null;
	}

	@Bean
	@ConditionalOnMissingBean(name = "tenantRateLimitFilterRegistration")
	FilterRegistrationBean<TenantRateLimitFilter> tenantRateLimitFilterRegistration(TenantRateLimitFilter filter,
			TenantLimitProperties properties) {
		FilterRegistrationBean<TenantRateLimitFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setOrder(properties.getFilter().getOrder());
		return registration;
	}

	/**
	 * Where requests that quotas with a delay hold are held: the end of the filter chain, so the
	 * application's filters run first, as for any request (see {@link HeldRequestsFilter}). A
	 * plain filter bean, not a registration: Spring Boot maps it to the request dispatch and puts
	 * it after every registration of the same (lowest) order and after the application's own
	 * filter beans, whose definitions come before any auto-configuration's.
	 */
	@Bean
	@ConditionalOnMissingBean
	HeldRequestsFilter tenantLimitHeldRequestsFilter(TenantRateLimitFilter filter) {
		return filter.holdingFilter();
	}

	@Bean
	WebMvcConfigurer tenantLimitWebMvcConfigurer() {
		return new WebMvcConfigurer() {
			@Override
			public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
				resolvers.add(new CurrentTenantArgumentResolver());
			}
		};
	}

	@Bean
	@ConditionalOnMissingBean
	MalformedRequestResolver tenantLimitMalformedRequestResolver(ProblemResponses problems) {
		return new MalformedRequestResolver(problems);
	}

	/** Spring Security's firewall refusals as problem+json, when the application has no handler of its own. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.security.web.firewall.RequestRejectedHandler")
	static class FirewallConfiguration {

		@Bean
		@ConditionalOnMissingBean(org.springframework.security.web.firewall.RequestRejectedHandler.class)
		ProblemRequestRejectedHandler tenantLimitRequestRejectedHandler(ProblemResponses problems) {
			return new ProblemRequestRejectedHandler(problems);
		}

	}

	/** A direct request for the error page (not an error dispatch): 404, not Boot's 500 with status 999. */
	@Bean
	@ConditionalOnMissingBean(name = "tenantLimitErrorPathFilter")
	FilterRegistrationBean<ErrorPathFilter> tenantLimitErrorPathFilter(ProblemResponses problems,
			Environment environment) {
		FilterRegistrationBean<ErrorPathFilter> registration = new FilterRegistrationBean<>(new ErrorPathFilter(problems));
		registration.addUrlPatterns(environment.getProperty("server.error.path", "/error"));
		registration.setDispatcherTypes(DispatcherType.REQUEST);
		return registration;
	}

	/** The filter's settings from the properties; fails on a bad default quota or exclusion. */
	static TenantRateLimitFilter.Settings filterSettings(TenantLimitProperties properties) {
		return filterSettings(properties, properties);
	}

	/**
	 * The filter's settings: those a reload may change from {@code live}, the others (the admin
	 * API's path, the legacy headers) from {@code running}, as the application started with them.
	 */
	static TenantRateLimitFilter.Settings filterSettings(TenantLimitProperties running, TenantLimitProperties live) {
		return new TenantRateLimitFilter.Settings(excludePaths(live, running), ConfiguredQuotas.defaultQuotas(live),
				live.getFilter().isAllowAnonymous(), live.isDryRun(), running.getHeaders().isLegacy(),
				new HashSet<>(live.getExempt().getTenants()), live.getExempt().getRoles(),
				live.getUnknownTenantPolicy(), ConfiguredQuotas.anonymousQuotas(live));
	}

	/** The configured exclusions, and the admin API, which has its own security. */
	private static List<String> excludePaths(TenantLimitProperties live, TenantLimitProperties running) {
		List<String> paths = new ArrayList<>(live.getFilter().getExcludePaths());
		for (int i = 0; i < paths.size(); i++) {
			String problem = PathPatterns.problem(paths.get(i));
			if (problem != null) {
				throw new InvalidConfigurationPropertyValueException("tenantlimit.filter.exclude-paths[" + i + "]",
						paths.get(i), "The pattern " + problem);
			}
		}
		if (running.getAdmin().isEnabled()) {
			paths.add(running.getAdmin().getBasePath() + "/**");
		}
		return paths;
	}

	/** Cache invalidations travel between instances over Redis pub/sub. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(RedisConnectionFactory.class)
	@ConditionalOnBean(RedisConnectionFactory.class)
	static class CacheSynchronizationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RedisTenantChanges redisTenantChanges(RedisConnectionFactory connectionFactory, TenantCache tenantCache,
				TenantLimitProperties properties) {
			return new RedisTenantChanges(new StringRedisTemplate(connectionFactory),
					properties.getRedis().getKeyPrefix() + "changes", tenantCache);
		}

		@Bean
		@ConditionalOnMissingBean
		TenantChangeListenerContainer tenantChangeListenerContainer(RedisConnectionFactory connectionFactory,
				RedisTenantChanges changes) {
			return new TenantChangeListenerContainer(connectionFactory, changes, Duration.ofSeconds(2));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Authentication.class)
	static class AuthenticationResolverConfiguration {

		@Bean
		@Order(AUTHENTICATION_ORDER)
		@ConditionalOnMissingBean
		AuthenticationTenantResolver authenticationTenantResolver(TenantLimitProperties properties) {
			TenantLimitProperties.Authentication authentication = properties.getAuthentication();
			return new AuthenticationTenantResolver(properties.getJwt().getTenantClaim(),
					authentication.getAuthorityPrefix(), authentication.isPrincipalName());
		}

	}

}
