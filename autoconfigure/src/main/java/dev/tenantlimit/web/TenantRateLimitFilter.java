package dev.tenantlimit.web;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import dev.tenantlimit.limiter.RateLimitDecision;
import dev.tenantlimit.limiter.RateLimiter;
import dev.tenantlimit.limiter.RateLimiterUnavailableException;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.security.InvalidCredentialsException;
import dev.tenantlimit.security.TenantResolver;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantCache;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

import org.springframework.util.AntPathMatcher;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UrlPathHelper;

/**
 * Enforces tenant quotas before any controller: resolve the tenant, load it from the cache, decide
 * with one call of the {@link RateLimiter}, then either refuse (401, 403, 429, 503 as
 * problem+json) or pass the request on with the rate-limit headers and the tenant in
 * {@link TenantContext}, the MDC and a request attribute.
 */
public class TenantRateLimitFilter extends OncePerRequestFilter {

	/**
	 * Default order: just after Spring Security's filter chain ({@code -100}), so an
	 * authentication it made can name the tenant.
	 */
	public static final int DEFAULT_ORDER = -100 + 10;

	private static final Log logger = LogFactory.getLog(TenantRateLimitFilter.class);

	private static final String MISSING_CREDENTIALS_CHALLENGE = "Bearer realm=\"tenantlimit\"";

	private static final AntPathMatcher PATH_MATCHER = new AntPathMatcher();

	private final List<TenantResolver> resolvers;

	private final TenantCache tenants;

	private final RateLimiter limiter;

	private final Settings settings;

	private final RateLimitHeaders headers;

	private final ProblemResponses problems;

	private final @Nullable ConcurrencyLimits concurrency;

	private final AtomicLong bypassed = new AtomicLong();

	private final AtomicLong wouldRefuse = new AtomicLong();

	public TenantRateLimitFilter(List<TenantResolver> resolvers, TenantCache tenants, RateLimiter limiter,
			Settings settings, ProblemResponses problems) {
		this(resolvers, tenants, limiter, settings, problems, null);
	}

	/**
	 * @param concurrency caps on requests in flight, or {@code null} for none
	 */
	public TenantRateLimitFilter(List<TenantResolver> resolvers, TenantCache tenants, RateLimiter limiter,
			Settings settings, ProblemResponses problems, @Nullable ConcurrencyLimits concurrency) {
		this.resolvers = List.copyOf(resolvers);
		this.tenants = tenants;
		this.limiter = limiter;
		this.settings = settings;
		this.headers = new RateLimitHeaders(settings.legacyHeaders());
		this.problems = problems;
		this.concurrency = concurrency;
	}

	/** Requests of exempt tenants or roles that passed without limits since start-up. */
	public long bypassedRequests() {
		return this.bypassed.get();
	}

	/** Requests that dry-run mode or a shadow quota let through but would have refused. */
	public long dryRunDeniedRequests() {
		return this.wouldRefuse.get();
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		String path = path(request);
		return this.settings.excludePaths().stream().anyMatch((pattern) -> PATH_MATCHER.match(pattern, path));
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String tenantId;
		Optional<Tenant> found;
		try {
			tenantId = resolveTenantId(request);
			found = (tenantId != null) ? this.tenants.tenant(tenantId) : Optional.empty();
		}
		catch (InvalidCredentialsException ex) {
			this.problems.unauthorized(request, response, ex.getChallenge(), ex.getMessage());
			return;
		}
		catch (RuntimeException ex) {
			// the tenant store failed on a cache miss: refuse this request, not the application
			logger.warn("Could not identify the tenant of a request: " + ex);
			this.problems.unavailable(request, response, 1);
			return;
		}
		if (tenantId == null) {
			if (this.settings.allowAnonymous()) {
				chain.doFilter(request, response);
			}
			else {
				this.problems.unauthorized(request, response, MISSING_CREDENTIALS_CHALLENGE,
						"Credentials are required: a bearer token or an API key");
			}
			return;
		}
		if (found.isEmpty()) {
			this.problems.unauthorized(request, response, MISSING_CREDENTIALS_CHALLENGE, "Unknown tenant");
			return;
		}
		Tenant tenant = found.get();
		if (!tenant.isActive()) {
			this.problems.suspended(request, response, tenant.id());
			return;
		}
		if (isExempt(tenant, request)) {
			this.bypassed.incrementAndGet();
			serve(tenant, request, response, chain, null);
			return;
		}
		// the cap on requests in flight first: a request it refuses must not use up a quota
		ConcurrencyLimits.Permit permit = (this.concurrency != null)
				? this.concurrency.tryAcquire(tenant.id(), request.getMethod()) : null;
		if (this.concurrency != null && permit == null) {
			if (!this.settings.dryRun()) {
				this.problems.concurrencyLimited(request, response, tenant.id());
				return;
			}
			this.wouldRefuse.incrementAndGet();
			logger.info("Dry run: would refuse a request of tenant '" + tenant.id() + "' over its concurrency cap");
		}
		boolean admitted = false;
		try {
			admitted = admit(tenant, request, response);
		}
		finally {
			if (!admitted && permit != null) {
				permit.close();
			}
		}
		if (admitted) {
			serve(tenant, request, response, chain, permit);
		}
	}

	private boolean isExempt(Tenant tenant, HttpServletRequest request) {
		return this.settings.exemptTenants().contains(tenant.id())
				|| this.settings.exemptRoles().stream().anyMatch(request::isUserInRole);
	}

	/** Decide, write the headers, and answer a refusal; true when the request goes on. */
	private boolean admit(Tenant tenant, HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		List<Quota> quotas = applicableQuotas(tenant, request);
		if (quotas.isEmpty()) {
			return true;
		}
		RateLimitDecision decision;
		try {
			decision = this.limiter.tryAcquire(tenant.id(), quotas);
		}
		catch (RateLimiterUnavailableException ex) {
			this.problems.unavailable(request, response, 1);
			return false;
		}
		this.headers.write(response, decision);
		if (!decision.shadowViolated().isEmpty()) {
			this.wouldRefuse.incrementAndGet();
			logger.info("Shadow quota: would refuse a request of tenant '" + tenant.id() + "' with 429 ("
					+ decision.shadowViolated().get(0).quota().policyName() + ")");
		}
		if (decision.allowed()) {
			return true;
		}
		if (this.settings.dryRun()) {
			this.wouldRefuse.incrementAndGet();
			logger.info("Dry run: would refuse a request of tenant '" + tenant.id() + "' with 429");
			return true;
		}
		this.problems.quotaExceeded(request, response, tenant.id(), decision);
		return false;
	}

	private void serve(Tenant tenant, HttpServletRequest request, HttpServletResponse response, FilterChain chain,
			ConcurrencyLimits.@Nullable Permit permit) throws IOException, ServletException {
		request.setAttribute(TenantContext.REQUEST_ATTRIBUTE, tenant);
		TenantContext.set(tenant);
		MDC.put(TenantContext.MDC_KEY, tenant.id());
		try {
			chain.doFilter(request, response);
		}
		finally {
			MDC.remove(TenantContext.MDC_KEY);
			TenantContext.clear();
			if (permit != null) {
				release(request, permit);
			}
		}
	}

	/** Give the permit back now, or when an asynchronous request completes, fails or times out. */
	private static void release(HttpServletRequest request, ConcurrencyLimits.Permit permit) {
		if (!request.isAsyncStarted()) {
			permit.close();
			return;
		}
		request.getAsyncContext().addListener(new AsyncListener() {
			@Override
			public void onComplete(AsyncEvent event) {
				permit.close();
			}

			@Override
			public void onTimeout(AsyncEvent event) {
				permit.close();
			}

			@Override
			public void onError(AsyncEvent event) {
				permit.close();
			}

			@Override
			public void onStartAsync(AsyncEvent event) {
				event.getAsyncContext().addListener(this);
			}
		});
	}

	private @Nullable String resolveTenantId(HttpServletRequest request) {
		for (TenantResolver resolver : this.resolvers) {
			String tenantId = resolver.resolveTenantId(request);
			if (tenantId != null) {
				return tenantId;
			}
		}
		return null;
	}

	private List<Quota> applicableQuotas(Tenant tenant, HttpServletRequest request) {
		List<Quota> quotas = tenant.quotas().isEmpty() ? this.settings.defaultQuotas() : tenant.quotas();
		String method = request.getMethod();
		String path = path(request);
		return quotas.stream().filter((quota) -> quota.matches(method, path)).toList();
	}

	/**
	 * The path within the application as the servlet container decoded and normalised it, so
	 * {@code /%61ctuator} or {@code /actuator/../api} cannot slip past an exclusion or a quota.
	 * Requests that never went through a servlet mapping (mock requests) fall back to the decoded
	 * request URI.
	 */
	private static String path(HttpServletRequest request) {
		String path = request.getServletPath();
		String pathInfo = request.getPathInfo();
		if (pathInfo != null) {
			path = path + pathInfo;
		}
		return path.isEmpty() ? UrlPathHelper.defaultInstance.getPathWithinApplication(request) : path;
	}

	/**
	 * How the filter behaves.
	 *
	 * @param excludePaths Ant-style patterns of paths never limited nor attributed
	 * @param defaultQuotas quotas of tenants that have none of their own
	 * @param allowAnonymous whether requests without credentials pass unlimited instead of 401
	 * @param dryRun whether to only report what would be refused
	 * @param legacyHeaders whether to add {@code X-RateLimit-*} headers
	 * @param exemptTenants tenants never limited
	 * @param exemptRoles roles ({@code isUserInRole}) never limited
	 */
	public record Settings(List<String> excludePaths, List<Quota> defaultQuotas, boolean allowAnonymous,
			boolean dryRun, boolean legacyHeaders, Set<String> exemptTenants, List<String> exemptRoles) {

		public Settings {
			excludePaths = List.copyOf(excludePaths);
			defaultQuotas = List.copyOf(defaultQuotas);
			exemptTenants = Set.copyOf(exemptTenants);
			exemptRoles = List.copyOf(exemptRoles);
		}

		public Settings(List<String> excludePaths, List<Quota> defaultQuotas, boolean allowAnonymous, boolean dryRun,
				boolean legacyHeaders) {
			this(excludePaths, defaultQuotas, allowAnonymous, dryRun, legacyHeaders, Set.of(), List.of());
		}

	}

}
