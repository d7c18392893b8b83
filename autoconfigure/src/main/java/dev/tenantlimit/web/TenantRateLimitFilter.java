package dev.tenantlimit.web;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.tenantlimit.limiter.RateLimitDecision;
import dev.tenantlimit.limiter.RateLimiter;
import dev.tenantlimit.limiter.RateLimiterUnavailableException;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.security.InvalidCredentialsException;
import dev.tenantlimit.security.JwtTenantResolver;
import dev.tenantlimit.security.TenantResolver;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantCache;
import dev.tenantlimit.tenant.UnknownTenantPolicy;
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

import org.springframework.http.HttpStatus;
import org.springframework.util.AntPathMatcher;
import org.springframework.web.cors.CorsUtils;
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

	private final RequestObserver observer;

	private final InFlight readsInFlight = new InFlight();

	private final InFlight writesInFlight = new InFlight();

	private final LogThrottle refusalLog = new LogThrottle(10, System::nanoTime);

	/** Whether a resolver verifies bearer tokens itself (a JWT key is configured). */
	private final boolean verifiesBearerTokens;

	public TenantRateLimitFilter(List<TenantResolver> resolvers, TenantCache tenants, RateLimiter limiter,
			Settings settings, ProblemResponses problems) {
		this(resolvers, tenants, limiter, settings, problems, null, RequestObserver.NONE);
	}

	/**
	 * @param concurrency caps on requests in flight, or {@code null} for none
	 * @param observer told of every outcome and timing
	 */
	public TenantRateLimitFilter(List<TenantResolver> resolvers, TenantCache tenants, RateLimiter limiter,
			Settings settings, ProblemResponses problems, @Nullable ConcurrencyLimits concurrency,
			RequestObserver observer) {
		this.resolvers = List.copyOf(resolvers);
		this.verifiesBearerTokens = resolvers.stream().anyMatch(JwtTenantResolver.class::isInstance);
		if (!this.verifiesBearerTokens) {
			logger.warn("No JWT key configured (tenantlimit.jwt.secret or tenantlimit.jwt.public-key): TenantLimit "
					+ "verifies no bearer token; tenants come from API keys or the application's own authentication");
		}
		this.tenants = tenants;
		this.limiter = limiter;
		this.settings = settings;
		this.headers = new RateLimitHeaders(settings.legacyHeaders());
		this.problems = problems;
		this.concurrency = concurrency;
		this.observer = observer;
	}

	/** The limiter this filter decides with, all its layers included. */
	public RateLimiter limiter() {
		return this.limiter;
	}

	/** GET, HEAD and OPTIONS requests past this filter and not finished yet. */
	public InFlight readsInFlight() {
		return this.readsInFlight;
	}

	/** Requests of other methods past this filter and not finished yet. */
	public InFlight writesInFlight() {
		return this.writesInFlight;
	}

	/** Stop what the limiter runs in the background (the failover's probe). */
	@Override
	public void destroy() {
		if (this.limiter instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				logger.debug("Could not close the rate limiter", ex);
			}
		}
	}

	/**
	 * A filter for an application's own security chain that signs tenants in with this filter's
	 * resolvers and exclusions ({@link TenantLimitConfigurer}).
	 */
	TenantAuthenticationFilter authenticationFilter() {
		return new TenantAuthenticationFilter(this.resolvers, this.tenants, this.problems, this::shouldNotFilter);
	}

	/**
	 * Not for excluded paths, nor for CORS preflights: a browser sends those without credentials
	 * before the real request, which is the one limited.
	 */
	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		if (CorsUtils.isPreFlightRequest(request)) {
			return true;
		}
		String path = path(request);
		return this.settings.excludePaths().stream().anyMatch((pattern) -> PATH_MATCHER.match(pattern, path));
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		long start = System.nanoTime();
		String requestId = RequestIds.of(request);
		response.setHeader(RequestIds.HEADER, requestId);
		MDC.put(RequestIds.MDC_KEY, requestId);
		try {
			Passage passage = decide(request, response);
			this.observer.outcome(passage.outcome(), passage.tenantId());
			this.observer.filter(System.nanoTime() - start);
			if (passage.admitted()) {
				serve(passage, request, response, chain);
			}
		}
		finally {
			MDC.remove(RequestIds.MDC_KEY);
		}
	}

	/** Everything before the application: resolve, load, limit; the refusal is already written. */
	private Passage decide(HttpServletRequest request, HttpServletResponse response) throws IOException {
		String tenantId;
		Optional<Tenant> found;
		try {
			tenantId = resolveTenantId(request);
			found = (tenantId != null) ? this.tenants.tenant(tenantId) : Optional.empty();
		}
		catch (InvalidCredentialsException ex) {
			this.problems.unauthorized(request, response, ex.getChallenge(), ex.getMessage());
			return Passage.refused(RequestObserver.UNAUTHENTICATED, null);
		}
		catch (RuntimeException ex) {
			if (TenantSecurityContext.PRESENT && TenantSecurityContext.isRejectedRequest(ex)) {
				// Spring Security's firewall refused a header the resolvers read (control or non-Latin-1 characters)
				this.problems.write(request, response, HttpStatus.BAD_REQUEST, "malformed-request",
						"A header of the request holds characters that are not allowed");
				return Passage.refused(RequestObserver.UNAUTHENTICATED, null);
			}
			// the tenant store failed on a cache miss: refuse this request, not the application
			logger.warn("Could not identify the tenant of a request: " + ex.getClass().getName());
			logger.debug("Could not identify the tenant of a request", ex);
			this.problems.unavailable(request, response, 1);
			return Passage.refused(RequestObserver.UNAVAILABLE, null);
		}
		if (tenantId == null) {
			// allow-anonymous lets through who sent no credentials, not a signed-in user named no tenant
			boolean signedIn = TenantSecurityContext.PRESENT && TenantSecurityContext.isSignedIn();
			if ((this.settings.allowAnonymous() && !signedIn) || (signedIn && hasExemptRole(request))) {
				return new Passage(true, RequestObserver.BYPASSED, null, null, null);
			}
			this.problems.unauthorized(request, response, MISSING_CREDENTIALS_CHALLENGE, missingCredentials(request));
			return Passage.refused(RequestObserver.UNAUTHENTICATED, null);
		}
		if (found.isEmpty() && (this.settings.unknownTenants() == UnknownTenantPolicy.REJECT
				|| !Tenant.isValidId(tenantId))) {
			this.problems.unauthorized(request, response, MISSING_CREDENTIALS_CHALLENGE, "Unknown tenant");
			return Passage.refused(RequestObserver.UNAUTHENTICATED, null);
		}
		// a verified tenant the store does not know (yet): the default quotas apply
		Tenant tenant = found.orElseGet(() -> Tenant.notStored(tenantId));
		if (!tenant.isActive()) {
			this.problems.suspended(request, response, tenant.id());
			return Passage.refused(RequestObserver.SUSPENDED, tenant.id());
		}
		if (isExempt(tenant, request)) {
			return new Passage(true, RequestObserver.BYPASSED, tenant.id(), tenant, null);
		}
		return limit(tenant, request, response);
	}

	/** The cap on requests in flight first: a request it refuses must not use up a quota. */
	private Passage limit(Tenant tenant, HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		ConcurrencyLimits.Permit permit = (this.concurrency != null)
				? this.concurrency.tryAcquire(tenant.id(), request.getMethod()) : null;
		boolean overCap = this.concurrency != null && permit == null;
		if (overCap && !this.settings.dryRun()) {
			logRefusal("over its concurrency cap", tenant);
			this.problems.concurrencyLimited(request, response, tenant.id());
			return Passage.refused(RequestObserver.DENIED, tenant.id());
		}
		Passage passage = null;
		try {
			passage = admit(tenant, request, response, permit);
			return (overCap && passage.admitted())
					? new Passage(true, RequestObserver.DRY_RUN_DENIED, tenant.id(), tenant, permit) : passage;
		}
		finally {
			if ((passage == null || !passage.admitted()) && permit != null) {
				permit.close();
			}
		}
	}

	/** Decide, write the headers, and answer a refusal. */
	private Passage admit(Tenant tenant, HttpServletRequest request, HttpServletResponse response,
			ConcurrencyLimits.@Nullable Permit permit) throws IOException {
		List<Quota> quotas = applicableQuotas(tenant, request);
		if (quotas.isEmpty()) {
			return new Passage(true, RequestObserver.ALLOWED, tenant.id(), tenant, permit);
		}
		RateLimitDecision decision;
		long start = System.nanoTime();
		try {
			decision = this.limiter.tryAcquire(tenant.id(), quotas);
		}
		catch (RateLimiterUnavailableException ex) {
			this.problems.unavailable(request, response, 1);
			return Passage.refused(RequestObserver.UNAVAILABLE, tenant.id());
		}
		finally {
			this.observer.decision(System.nanoTime() - start);
		}
		this.headers.write(response, decision);
		boolean shadowRefusal = !decision.shadowViolated().isEmpty();
		if (shadowRefusal) {
			logRefusal("by shadow quota " + decision.shadowViolated().get(0).quota().policyName(), tenant);
		}
		if (!decision.allowed() && !this.settings.dryRun()) {
			logRefusal("with 429", tenant);
			this.problems.quotaExceeded(request, response, tenant.id(), decision);
			return Passage.refused(decision.fallback() ? RequestObserver.FALLBACK : RequestObserver.DENIED,
					tenant.id());
		}
		String outcome = (!decision.allowed() || shadowRefusal) ? RequestObserver.DRY_RUN_DENIED
				: decision.fallback() ? RequestObserver.FALLBACK : RequestObserver.ALLOWED;
		if (!decision.allowed()) {
			logRefusal("with 429 (dry run: let through)", tenant);
		}
		return new Passage(true, outcome, tenant.id(), tenant, permit);
	}

	/** The 401's detail: precise when a bearer token came that nothing here can verify. */
	private String missingCredentials(HttpServletRequest request) {
		String authorization = request.getHeader("Authorization");
		if (!this.verifiesBearerTokens && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return "A bearer token was sent, but no JWT key is configured to verify it "
					+ "(tenantlimit.jwt.secret or tenantlimit.jwt.public-key)";
		}
		if (TenantSecurityContext.PRESENT && TenantSecurityContext.isSignedIn()) {
			return "You are signed in, but your authentication names no tenant: map your users to tenants with a "
					+ "tenantlimit.authentication.authority-prefix or .principal-name (or a TenantResolver bean), or send a "
					+ "tenant's bearer token or API key";
		}
		return "Credentials are required: a bearer token or an API key";
	}

	private boolean isExempt(Tenant tenant, HttpServletRequest request) {
		return this.settings.exemptTenants().contains(tenant.id()) || hasExemptRole(request);
	}

	private boolean hasExemptRole(HttpServletRequest request) {
		return this.settings.exemptRoles().stream().anyMatch(request::isUserInRole);
	}

	/** At most ten lines a second, whatever the flood. */
	private void logRefusal(String how, Tenant tenant) {
		long heldBack = this.refusalLog.tryAcquire();
		if (heldBack >= 0 && logger.isInfoEnabled()) {
			logger.info("Refused a request of tenant '" + tenant.id() + "' " + how
					+ ((heldBack > 0) ? " (" + heldBack + " such lines held back)" : ""));
		}
	}

	private void serve(Passage passage, HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		Tenant tenant = passage.tenant();
		if (tenant == null) {
			chain.doFilter(request, response);
			return;
		}
		InFlight inFlight = ConcurrencyLimits.isRead(request.getMethod()) ? this.readsInFlight : this.writesInFlight;
		inFlight.enter();
		ConcurrencyLimits.Permit permit = passage.permit();
		Runnable done = () -> {
			inFlight.leave();
			if (permit != null) {
				permit.close();
			}
		};
		request.setAttribute(TenantContext.REQUEST_ATTRIBUTE, tenant);
		TenantContext.set(tenant);
		MDC.put(TenantContext.MDC_KEY, tenant.id());
		Runnable signOut = TenantSecurityContext.PRESENT ? TenantSecurityContext.signIn(tenant) : () -> {
		};
		try {
			chain.doFilter(request, response);
		}
		finally {
			signOut.run();
			MDC.remove(TenantContext.MDC_KEY);
			TenantContext.clear();
			whenDone(request, done);
		}
	}

	/** Run {@code done} now, or once when an asynchronous request completes, fails or times out. */
	private static void whenDone(HttpServletRequest request, Runnable done) {
		if (!request.isAsyncStarted()) {
			done.run();
			return;
		}
		AtomicBoolean ran = new AtomicBoolean();
		Runnable once = () -> {
			if (ran.compareAndSet(false, true)) {
				done.run();
			}
		};
		request.getAsyncContext().addListener(new AsyncListener() {
			@Override
			public void onComplete(AsyncEvent event) {
				once.run();
			}

			@Override
			public void onTimeout(AsyncEvent event) {
				once.run();
			}

			@Override
			public void onError(AsyncEvent event) {
				once.run();
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
	 * What the filter decided for one request.
	 *
	 * @param admitted whether the request goes on to the application
	 * @param outcome one of {@link RequestObserver}'s outcomes
	 * @param tenantId the tenant, when known
	 * @param tenant the tenant to put in context, or {@code null} for an anonymous request
	 * @param permit the concurrency permit to give back when the request is done
	 */
	private record Passage(boolean admitted, String outcome, @Nullable String tenantId, @Nullable Tenant tenant,
			ConcurrencyLimits.@Nullable Permit permit) {

		static Passage refused(String outcome, @Nullable String tenantId) {
			return new Passage(false, outcome, tenantId, null, null);
		}

	}

	/**
	 * How the filter behaves.
	 *
	 * @param excludePaths Ant-style patterns of paths never limited nor attributed
	 * @param defaultQuotas quotas of tenants that have none of their own
	 * @param allowAnonymous whether requests without credentials pass unlimited instead of 401 (a
	 * signed-in user whose authentication names no tenant still gets 401, unless of an exempt role)
	 * @param dryRun whether to only report what would be refused
	 * @param legacyHeaders whether to add {@code X-RateLimit-*} headers
	 * @param exemptTenants tenants never limited
	 * @param exemptRoles roles ({@code isUserInRole}) never limited
	 * @param unknownTenants what a verified tenant that is not stored gets
	 */
	public record Settings(List<String> excludePaths, List<Quota> defaultQuotas, boolean allowAnonymous,
			boolean dryRun, boolean legacyHeaders, Set<String> exemptTenants, List<String> exemptRoles,
			UnknownTenantPolicy unknownTenants) {

		public Settings {
			excludePaths = List.copyOf(excludePaths);
			defaultQuotas = List.copyOf(defaultQuotas);
			exemptTenants = Set.copyOf(exemptTenants);
			exemptRoles = List.copyOf(exemptRoles);
		}

		public Settings(List<String> excludePaths, List<Quota> defaultQuotas, boolean allowAnonymous, boolean dryRun,
				boolean legacyHeaders) {
			this(excludePaths, defaultQuotas, allowAnonymous, dryRun, legacyHeaders, Set.of(), List.of(),
					UnknownTenantPolicy.DEFAULT_QUOTAS);
		}

	}

}
