package dev.tenantlimit.web;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.tenantlimit.annotation.HandlerQuotas;
import dev.tenantlimit.limiter.Charger;
import dev.tenantlimit.limiter.RateLimiter;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.security.InvalidCredentialsException;
import dev.tenantlimit.security.TenantResolver;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantCache;
import dev.tenantlimit.tenant.UnknownTenantPolicy;
import jakarta.servlet.DispatcherType;
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

	private final TenantIdentification identification;

	private final TenantCache tenants;

	private final RateLimiter limiter;

	private final TenantLimits limits;

	private volatile Settings settings;

	private final AnonymousLimits anonymous;

	private final RateLimitHeaders headers;

	private final ProblemResponses problems;

	private final @Nullable ConcurrencyLimits concurrency;

	private final RequestObserver observer;

	private final TenantScope scope = new TenantScope();

	private final RefusalLog refusals = new RefusalLog();

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
		this.identification = new TenantIdentification(resolvers);
		this.tenants = tenants;
		this.limiter = limiter;
		this.settings = settings;
		this.headers = new RateLimitHeaders(settings.legacyHeaders());
		this.problems = problems;
		this.concurrency = concurrency;
		this.observer = observer;
		this.limits = new TenantLimits(limiter, this.headers, problems, observer, this.refusals);
		this.anonymous = new AnonymousLimits(limiter, this.headers, problems, observer, this.limits.requestQuotas());
	}

	/** How the filter behaves now. */
	public Settings settings() {
		return this.settings;
	}

	/**
	 * Behave as {@code next} says from the next request on (a reloaded configuration); the
	 * legacy headers stay as they were at start-up.
	 */
	public void apply(Settings next) {
		this.settings = next;
	}

	/** Count the quotas handlers declare ({@code @RateLimited}) with the tenant's. */
	public void setHandlerQuotas(@Nullable HandlerQuotas handlerQuotas) {
		this.limits.handlerQuotas(handlerQuotas);
	}

	/** Send what applications charge after the work ({@link TenantContext#charge}) to {@code charger}. */
	public void setCharger(@Nullable Charger charger) {
		this.limits.charger(charger);
	}

	/**
	 * Hold requests that quotas with a {@code delay} would refuse, at most {@code maxWaiting} at
	 * once and {@code maxWaitingPerTenant} of one tenant, instead of refusing them.
	 */
	public void enableShaping(int maxWaiting, int maxWaitingPerTenant) {
		this.limits.shaping(new HeldRequests(maxWaiting, maxWaitingPerTenant));
	}

	/**
	 * The filter that holds the requests this one decides to hold: registered at the end of the
	 * filter chain, for the request dispatch ({@link HeldRequestsFilter}).
	 */
	public HeldRequestsFilter holdingFilter() {
		return this.limits.holdingFilter();
	}

	/** Requests held now for quotas with a delay. */
	public int heldRequests() {
		return this.limits.heldRequests();
	}

	/** The limiter this filter decides with, all its layers included. */
	public RateLimiter limiter() {
		return this.limiter;
	}

	/** GET, HEAD and OPTIONS requests past this filter and not finished yet. */
	public InFlight readsInFlight() {
		return this.scope.readsInFlight();
	}

	/** Requests of other methods past this filter and not finished yet. */
	public InFlight writesInFlight() {
		return this.scope.writesInFlight();
	}

	/** Stop what the limiter runs in the background (the failover's probe). */
	@Override
	public void destroy() {
		this.limits.close();
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
		return new TenantAuthenticationFilter(this.identification, this.tenants, this.problems, this::shouldNotFilter);
	}

	/**
	 * Not for excluded paths, nor for CORS preflights: a browser sends those without credentials
	 * before the real request, which is the one limited.
	 */
	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		if (request.getDispatcherType() == DispatcherType.ASYNC
				&& request.getAttribute(HeldRequests.ADMITTED_ATTRIBUTE) != null) {
			// a held request admitted since: served in its tenant's scope, whatever a reload excluded meanwhile
			return false;
		}
		if (CorsUtils.isPreFlightRequest(request)) {
			return true;
		}
		List<String> excluded = this.settings.excludePaths();
		if (excluded.isEmpty()) {
			return false;
		}
		String path = RequestPaths.of(request);
		for (String pattern : excluded) {
			if (PATH_MATCHER.match(pattern, path)) {
				return true;
			}
		}
		return false;
	}

	/** A held request is served in an async dispatch, which this filter must see. */
	@Override
	protected boolean shouldNotFilterAsyncDispatch() {
		return false;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (request.getDispatcherType() == DispatcherType.ASYNC) {
			// a held request admitted since (decided and counted then), or the application's own async work
			if (request.getAttribute(HeldRequests.ADMITTED_ATTRIBUTE) instanceof HeldRequests.Admitted admitted) {
				request.removeAttribute(HeldRequests.ADMITTED_ATTRIBUTE);
				this.headers.write(response, admitted.decision());
				this.scope.resume(admitted.passage(), request, response, chain);
			}
			else {
				chain.doFilter(request, response);
			}
			return;
		}
		long start = System.nanoTime();
		String requestId = RequestIds.of(request);
		response.setHeader(RequestIds.HEADER, requestId);
		MDC.put(RequestIds.MDC_KEY, requestId);
		try {
			Passage passage = decide(request, response);
			if (!passage.held()) {
				this.observer.outcome(passage.outcome(), passage.tenantId());
			}
			this.observer.filter(System.nanoTime() - start);
			if (passage.admitted()) {
				this.scope.serve(passage, request, response, chain, this.limits.charger());
				if (passage.held()) {
					this.limits.heldChainDone(passage, request, response);
				}
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
			tenantId = this.identification.tenantId(request);
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
			Settings settings = this.settings;
			if (settings.allowAnonymous() && !signedIn) {
				return this.anonymous.decide(settings, request, response);
			}
			if (signedIn && hasExemptRole(request)) {
				return new Passage(true, RequestObserver.BYPASSED, null, null, null);
			}
			this.problems.unauthorized(request, response, MISSING_CREDENTIALS_CHALLENGE,
					this.identification.missingCredentials(request));
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
			this.refusals.refused(tenant.id(), "over its concurrency cap");
			this.problems.concurrencyLimited(request, response, tenant.id());
			return Passage.refused(RequestObserver.DENIED, tenant.id());
		}
		Passage passage = null;
		try {
			passage = this.limits.admit(tenant, this.settings, request, response, permit);
			return (overCap && passage.admitted())
					? new Passage(true, RequestObserver.DRY_RUN_DENIED, tenant.id(), tenant, permit, passage.charges())
					: passage;
		}
		finally {
			// an admitted request (a held one too) keeps its permit until it is done
			if ((passage == null || !passage.admitted()) && permit != null) {
				permit.close();
			}
		}
	}

	private boolean isExempt(Tenant tenant, HttpServletRequest request) {
		return this.settings.exemptTenants().contains(tenant.id()) || hasExemptRole(request);
	}

	private boolean hasExemptRole(HttpServletRequest request) {
		for (String role : this.settings.exemptRoles()) {
			if (request.isUserInRole(role)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * How the filter behaves.
	 *
	 * @param excludePaths Ant-style patterns of paths never limited nor attributed
	 * @param defaultQuotas quotas of tenants that have none of their own
	 * @param allowAnonymous whether requests without credentials pass instead of 401, limited by
	 * {@code anonymousQuotas} (a signed-in user whose authentication names no tenant still gets
	 * 401, unless of an exempt role)
	 * @param dryRun whether to only report what would be refused
	 * @param legacyHeaders whether to add {@code X-RateLimit-*} headers
	 * @param exemptTenants tenants never limited
	 * @param exemptRoles roles ({@code isUserInRole}) never limited
	 * @param unknownTenants what a verified tenant that is not stored gets
	 * @param anonymousQuotas with {@code allowAnonymous}, the quotas of each client address that
	 * sends no credentials; empty: such requests pass unlimited
	 */
	public record Settings(List<String> excludePaths, List<Quota> defaultQuotas, boolean allowAnonymous,
			boolean dryRun, boolean legacyHeaders, Set<String> exemptTenants, List<String> exemptRoles,
			UnknownTenantPolicy unknownTenants, List<Quota> anonymousQuotas) {

		public Settings {
			excludePaths = List.copyOf(excludePaths);
			defaultQuotas = List.copyOf(defaultQuotas);
			exemptTenants = Set.copyOf(exemptTenants);
			exemptRoles = List.copyOf(exemptRoles);
			anonymousQuotas = List.copyOf(anonymousQuotas);
		}

		public Settings(List<String> excludePaths, List<Quota> defaultQuotas, boolean allowAnonymous, boolean dryRun,
				boolean legacyHeaders, Set<String> exemptTenants, List<String> exemptRoles,
				UnknownTenantPolicy unknownTenants) {
			this(excludePaths, defaultQuotas, allowAnonymous, dryRun, legacyHeaders, exemptTenants, exemptRoles,
					unknownTenants, List.of());
		}

		public Settings(List<String> excludePaths, List<Quota> defaultQuotas, boolean allowAnonymous, boolean dryRun,
				boolean legacyHeaders) {
			this(excludePaths, defaultQuotas, allowAnonymous, dryRun, legacyHeaders, Set.of(), List.of(),
					UnknownTenantPolicy.DEFAULT_QUOTAS);
		}

	}

}
