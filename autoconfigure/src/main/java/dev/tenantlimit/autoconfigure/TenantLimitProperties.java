package dev.tenantlimit.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.tenantlimit.limiter.FailMode;
import dev.tenantlimit.quota.Algorithm;
import dev.tenantlimit.quota.AlgorithmSettings;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.tenant.UnknownTenantPolicy;
import dev.tenantlimit.web.TenantRateLimitFilter;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.core.io.Resource;

/**
 * Configuration properties for TenantLimit.
 */
@ConfigurationProperties("tenantlimit")
public class TenantLimitProperties {

	/**
	 * Whether to resolve tenants and enforce their quotas.
	 */
	private boolean enabled = true;

	/**
	 * Quotas of tenants that have none of their own.
	 */
	private List<QuotaProperties> defaultQuotas = new ArrayList<>(List.of(new QuotaProperties()));

	/**
	 * What to do with requests while Redis cannot be reached.
	 */
	private FailMode failMode = FailMode.LOCAL;

	/**
	 * Whether to decide, count and log as usual but never refuse a request over quota.
	 */
	private boolean dryRun;

	/**
	 * What a request gets whose credentials are verified (a signed JWT, the application's own
	 * authentication) but whose tenant is not stored: the default quotas, or 401 with 'reject'.
	 * An API key always belongs to a stored tenant.
	 */
	private UnknownTenantPolicy unknownTenantPolicy = UnknownTenantPolicy.DEFAULT_QUOTAS;

	private final Jwt jwt = new Jwt();

	private final ApiKey apiKey = new ApiKey();

	private final Authentication authentication = new Authentication();

	private final Filter filter = new Filter();

	private final Headers headers = new Headers();

	private final Schema schema = new Schema();

	private final Redis redis = new Redis();

	private final Cache cache = new Cache();

	private final Admin admin = new Admin();

	private final Fallback fallback = new Fallback();

	private final DenyCache denyCache = new DenyCache();

	private final Shaping shaping = new Shaping();

	private final Lease lease = new Lease();

	private final Reload reload = new Reload();

	private final Concurrency concurrency = new Concurrency();

	private final Exempt exempt = new Exempt();

	private final Anonymous anonymous = new Anonymous();

	private final Metrics metrics = new Metrics();

	private final Algorithms algorithms = new Algorithms();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<QuotaProperties> getDefaultQuotas() {
		return this.defaultQuotas;
	}

	public void setDefaultQuotas(List<QuotaProperties> defaultQuotas) {
		this.defaultQuotas = defaultQuotas;
	}

	public FailMode getFailMode() {
		return this.failMode;
	}

	public void setFailMode(FailMode failMode) {
		this.failMode = failMode;
	}

	public UnknownTenantPolicy getUnknownTenantPolicy() {
		return this.unknownTenantPolicy;
	}

	public void setUnknownTenantPolicy(UnknownTenantPolicy unknownTenantPolicy) {
		this.unknownTenantPolicy = unknownTenantPolicy;
	}

	public boolean isDryRun() {
		return this.dryRun;
	}

	public void setDryRun(boolean dryRun) {
		this.dryRun = dryRun;
	}

	public Jwt getJwt() {
		return this.jwt;
	}

	public ApiKey getApiKey() {
		return this.apiKey;
	}

	public Authentication getAuthentication() {
		return this.authentication;
	}

	public Filter getFilter() {
		return this.filter;
	}

	public Headers getHeaders() {
		return this.headers;
	}

	public Schema getSchema() {
		return this.schema;
	}

	public Redis getRedis() {
		return this.redis;
	}

	public Cache getCache() {
		return this.cache;
	}

	public Admin getAdmin() {
		return this.admin;
	}

	public Fallback getFallback() {
		return this.fallback;
	}

	public DenyCache getDenyCache() {
		return this.denyCache;
	}

	public Shaping getShaping() {
		return this.shaping;
	}

	public Lease getLease() {
		return this.lease;
	}

	public Reload getReload() {
		return this.reload;
	}

	public Concurrency getConcurrency() {
		return this.concurrency;
	}

	public Anonymous getAnonymous() {
		return this.anonymous;
	}

	public Exempt getExempt() {
		return this.exempt;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public Algorithms getAlgorithms() {
		return this.algorithms;
	}

	/**
	 * One quota: at most {@code limit} requests in any window of {@code window}.
	 */
	public static class QuotaProperties {

		/**
		 * Units admitted per window: requests, unless a request costs more than one.
		 */
		private long limit = 100;

		/**
		 * Length of the sliding window, at least one second.
		 */
		private Duration window = Duration.ofMinutes(1);

		/**
		 * Ant-style pattern of the request paths the quota counts.
		 */
		private String path = Quota.ALL_PATHS;

		/**
		 * HTTP methods the quota counts; every method when empty.
		 */
		private List<String> methods = new ArrayList<>();

		/**
		 * Whether the quota only reports the requests it would refuse, without refusing them.
		 */
		private boolean shadow;

		/**
		 * How the quota counts: auto, sliding-log, sliding-counter or token-bucket.
		 */
		private Algorithm algorithm = Algorithm.AUTO;

		/**
		 * Bucket size of a token-bucket quota; the limit when not set.
		 */
		private long burst;

		/**
		 * Number of Redis keys (cluster slots) each tenant's counters are spread over; every
		 * default quota must have the same.
		 */
		private int shards = 1;

		/**
		 * Whether a hot tenant's permits of this quota may be reserved in batches and admitted
		 * from memory (tenantlimit.lease.*); false decides every request in Redis.
		 */
		private boolean lease = true;

		/**
		 * Units of the limit one matching request uses (a report that costs 10); at most the
		 * limit (the burst of a token bucket).
		 */
		private long cost = 1;

		/**
		 * What the quota is counted for within each tenant: client-ip, path, header:<name> or
		 * claim:<name> (of the tenant's JWT); one count per tenant when empty.
		 */
		private List<String> per = new ArrayList<>();

		/**
		 * Whether what the application charges after the work (TenantContext.charge, the
		 * TenantLimit-Charge response header) counts against the quota; with it, the cost may be 0.
		 */
		private boolean charged;

		/**
		 * How long a request the quota would refuse may wait until it admits it (shaping
		 * instead of refusing), at most 30s; 0 refuses at once.
		 */
		private Duration delay = Duration.ZERO;

		public Duration getDelay() {
			return this.delay;
		}

		public void setDelay(Duration delay) {
			this.delay = delay;
		}

		public boolean isCharged() {
			return this.charged;
		}

		public void setCharged(boolean charged) {
			this.charged = charged;
		}

		public List<String> getPer() {
			return this.per;
		}

		public void setPer(List<String> per) {
			this.per = per;
		}

		public long getCost() {
			return this.cost;
		}

		public void setCost(long cost) {
			this.cost = cost;
		}

		public boolean isLease() {
			return this.lease;
		}

		public void setLease(boolean lease) {
			this.lease = lease;
		}

		public Algorithm getAlgorithm() {
			return this.algorithm;
		}

		public void setAlgorithm(Algorithm algorithm) {
			this.algorithm = algorithm;
		}

		public long getBurst() {
			return this.burst;
		}

		public void setBurst(long burst) {
			this.burst = burst;
		}

		public int getShards() {
			return this.shards;
		}

		public void setShards(int shards) {
			this.shards = shards;
		}

		public boolean isShadow() {
			return this.shadow;
		}

		public void setShadow(boolean shadow) {
			this.shadow = shadow;
		}

		public long getLimit() {
			return this.limit;
		}

		public void setLimit(long limit) {
			this.limit = limit;
		}

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public List<String> getMethods() {
			return this.methods;
		}

		public void setMethods(List<String> methods) {
			this.methods = methods;
		}

	}

	public static class Algorithms {

		/**
		 * Largest limit an 'auto' quota counts with the exact sliding log; larger limits use the
		 * sliding counter, whose memory does not grow with the limit.
		 */
		private long logMaxLimit = AlgorithmSettings.DEFAULTS.logMaxLimit();

		/**
		 * Number of sub-windows of a sliding-counter quota, from 2 to 100: more is closer to
		 * exact and costs a few bytes more per key.
		 */
		private int subWindows = AlgorithmSettings.DEFAULTS.subWindows();

		public long getLogMaxLimit() {
			return this.logMaxLimit;
		}

		public void setLogMaxLimit(long logMaxLimit) {
			this.logMaxLimit = logMaxLimit;
		}

		public int getSubWindows() {
			return this.subWindows;
		}

		public void setSubWindows(int subWindows) {
			this.subWindows = subWindows;
		}

	}

	public static class Jwt {

		/**
		 * HMAC key for HS256, HS384 and HS512 tokens, as text of at least 32 bytes (256 bits).
		 */
		private @Nullable String secret;

		/**
		 * PEM resource holding the RSA or EC public key for RS*, PS* and ES* tokens.
		 */
		private @Nullable Resource publicKey;

		/**
		 * Claim that holds the tenant id.
		 */
		private String tenantClaim = "tenant_id";

		/**
		 * Issuer ("iss") every token must have, when set.
		 */
		private @Nullable String issuer;

		/**
		 * Audience ("aud") every token must include, when set.
		 */
		private @Nullable String audience;

		/**
		 * Clock skew allowed when checking "exp" and "nbf".
		 */
		private Duration clockSkew = Duration.ofSeconds(30);

		/**
		 * Whether a token without "exp" is refused (RFC 8725: such a token is valid forever).
		 */
		private boolean requireExpiry = true;

		/**
		 * Furthest "exp" of a tenant token may be from now; not set: no bound.
		 */
		private @Nullable Duration maxLifetime;

		/**
		 * Verified tokens remembered (by their SHA-256, until they expire, at most 10 minutes)
		 * so a tenant's token is not verified again on every request; 0 verifies every time.
		 */
		private long cacheSize = 10_000;

		public long getCacheSize() {
			return this.cacheSize;
		}

		public void setCacheSize(long cacheSize) {
			this.cacheSize = cacheSize;
		}

		public boolean isRequireExpiry() {
			return this.requireExpiry;
		}

		public void setRequireExpiry(boolean requireExpiry) {
			this.requireExpiry = requireExpiry;
		}

		public @Nullable Duration getMaxLifetime() {
			return this.maxLifetime;
		}

		public void setMaxLifetime(@Nullable Duration maxLifetime) {
			this.maxLifetime = maxLifetime;
		}

		public @Nullable String getSecret() {
			return this.secret;
		}

		public void setSecret(@Nullable String secret) {
			this.secret = secret;
		}

		public @Nullable Resource getPublicKey() {
			return this.publicKey;
		}

		public void setPublicKey(@Nullable Resource publicKey) {
			this.publicKey = publicKey;
		}

		public String getTenantClaim() {
			return this.tenantClaim;
		}

		public void setTenantClaim(String tenantClaim) {
			this.tenantClaim = tenantClaim;
		}

		public @Nullable String getIssuer() {
			return this.issuer;
		}

		public void setIssuer(@Nullable String issuer) {
			this.issuer = issuer;
		}

		public @Nullable String getAudience() {
			return this.audience;
		}

		public void setAudience(@Nullable String audience) {
			this.audience = audience;
		}

		public Duration getClockSkew() {
			return this.clockSkew;
		}

		public void setClockSkew(Duration clockSkew) {
			this.clockSkew = clockSkew;
		}

	}

	/**
	 * Keys of admin bearer tokens, apart from tenants' (tenantlimit.jwt.*): whatever verifies
	 * tenant tokens must not be able to mint admin ones. Neither set: the admin API takes no
	 * bearer token, only its users' passwords.
	 */
	public static class AdminJwt {

		/**
		 * HMAC key of admin HS256, HS384 and HS512 tokens, at least 32 bytes; not the tenants'.
		 */
		private @Nullable String secret;

		/**
		 * PEM resource holding the RSA or EC public key of admin RS*, PS* and ES* tokens.
		 */
		private @Nullable Resource publicKey;

		/**
		 * Furthest "exp" of an admin token may be from now; a token without "exp" is refused.
		 */
		private Duration maxLifetime = Duration.ofHours(1);

		public @Nullable String getSecret() {
			return this.secret;
		}

		public void setSecret(@Nullable String secret) {
			this.secret = secret;
		}

		public @Nullable Resource getPublicKey() {
			return this.publicKey;
		}

		public void setPublicKey(@Nullable Resource publicKey) {
			this.publicKey = publicKey;
		}

		public Duration getMaxLifetime() {
			return this.maxLifetime;
		}

		public void setMaxLifetime(Duration maxLifetime) {
			this.maxLifetime = maxLifetime;
		}

	}

	/** How the application's own Spring Security authentication names a tenant. */
	public static class Authentication {

		/**
		 * Prefix of the granted authority that names the user's tenant: with 'TENANT_', an
		 * authority 'TENANT_acme' makes the request one of tenant 'acme'. Not set: no authority
		 * names a tenant.
		 */
		private @Nullable String authorityPrefix;

		/**
		 * Whether the name of an authenticated principal (an HTTP Basic or form login user, an
		 * opaque token's subject) is its tenant id, when no claim or authority names one.
		 */
		private boolean principalName;

		public @Nullable String getAuthorityPrefix() {
			return this.authorityPrefix;
		}

		public void setAuthorityPrefix(@Nullable String authorityPrefix) {
			this.authorityPrefix = authorityPrefix;
		}

		public boolean isPrincipalName() {
			return this.principalName;
		}

		public void setPrincipalName(boolean principalName) {
			this.principalName = principalName;
		}

	}

	public static class ApiKey {

		/**
		 * Request header carrying an API key.
		 */
		private String header = "X-API-Key";

		public String getHeader() {
			return this.header;
		}

		public void setHeader(String header) {
			this.header = header;
		}

	}

	public static class Filter {

		/**
		 * Ant-style patterns of request paths that are never limited.
		 */
		private List<String> excludePaths = new ArrayList<>(List.of("/actuator/**", "/error"));

		/**
		 * Whether requests without credentials pass instead of being answered with 401: unlimited,
		 * or limited per client address by {@code tenantlimit.anonymous.quotas}. A user signed in
		 * by the application's own security whose authentication names no tenant is not
		 * anonymous: 401, unless of an exempt role.
		 */
		private boolean allowAnonymous;

		/**
		 * Order of the filter; by default just after Spring Security's filter chain.
		 */
		private int order = TenantRateLimitFilter.DEFAULT_ORDER;

		public List<String> getExcludePaths() {
			return this.excludePaths;
		}

		public void setExcludePaths(List<String> excludePaths) {
			this.excludePaths = excludePaths;
		}

		public boolean isAllowAnonymous() {
			return this.allowAnonymous;
		}

		public void setAllowAnonymous(boolean allowAnonymous) {
			this.allowAnonymous = allowAnonymous;
		}

		public int getOrder() {
			return this.order;
		}

		public void setOrder(int order) {
			this.order = order;
		}

	}

	public static class Headers {

		/**
		 * Whether to add X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset for older
		 * clients.
		 */
		private boolean legacy;

		public boolean isLegacy() {
			return this.legacy;
		}

		public void setLegacy(boolean legacy) {
			this.legacy = legacy;
		}

	}

	public static class Schema {

		/**
		 * When to create the tenant tables in the application's DataSource.
		 */
		private DatabaseInitializationMode initialize = DatabaseInitializationMode.EMBEDDED;

		/**
		 * Platform of the schema script ("h2", "postgresql"); detected from the DataSource when
		 * not set.
		 */
		private @Nullable String platform;

		public DatabaseInitializationMode getInitialize() {
			return this.initialize;
		}

		public void setInitialize(DatabaseInitializationMode initialize) {
			this.initialize = initialize;
		}

		public @Nullable String getPlatform() {
			return this.platform;
		}

		public void setPlatform(@Nullable String platform) {
			this.platform = platform;
		}

	}

	public static class Redis {

		/**
		 * Prefix of every Redis key.
		 */
		private String keyPrefix = "tl:";

		/**
		 * Longest wait for a connected Redis to decide a request. A later reply is a failure:
		 * that request is decided by the fail mode, and Redis drops the call if it runs it
		 * later still. An unreachable Redis is never waited for.
		 */
		private Duration timeout = Duration.ofSeconds(1);

		/**
		 * Most added at random to each counter key's expiry, drawn for each key written, so
		 * keys written together (a tenant's quotas, tenants created at once) do not expire
		 * together and Redis does not reclaim them in one burst. 0 for none.
		 */
		private Duration expiryJitter = Duration.ofSeconds(5);

		/**
		 * Whether Spring Boot's per-command Lettuce observation (the lettuce.command timers and
		 * spans) also observes the rate decisions, one Redis command per request. Off by
		 * default: tenantlimit.decision times them, and observing them cost about 6 % of the
		 * throughput; the application's own commands are observed either way.
		 */
		private boolean observeDecisions;

		public boolean isObserveDecisions() {
			return this.observeDecisions;
		}

		public void setObserveDecisions(boolean observeDecisions) {
			this.observeDecisions = observeDecisions;
		}

		public Duration getExpiryJitter() {
			return this.expiryJitter;
		}

		public void setExpiryJitter(Duration expiryJitter) {
			this.expiryJitter = expiryJitter;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

	}

	public static class Cache {

		/**
		 * Age after which a cached tenant or API key is reloaded in the background.
		 */
		private Duration refreshAfter = Duration.ofSeconds(10);

		/**
		 * Age after which a cached tenant or API key is dropped, so the store is read again.
		 */
		private Duration expireAfter = Duration.ofMinutes(10);

		/**
		 * Maximum number of tenants, and of API keys, kept in the cache.
		 */
		private long maximumSize = 10_000;

		public Duration getRefreshAfter() {
			return this.refreshAfter;
		}

		public void setRefreshAfter(Duration refreshAfter) {
			this.refreshAfter = refreshAfter;
		}

		public Duration getExpireAfter() {
			return this.expireAfter;
		}

		public void setExpireAfter(Duration expireAfter) {
			this.expireAfter = expireAfter;
		}

		public long getMaximumSize() {
			return this.maximumSize;
		}

		public void setMaximumSize(long maximumSize) {
			this.maximumSize = maximumSize;
		}

	}

	public static class Admin {

		/**
		 * Whether to serve the admin REST API. It needs Spring Security on the classpath.
		 */
		private boolean enabled = true;

		/**
		 * Path under which the admin REST API is served; it is never rate limited.
		 */
		private String basePath = "/admin";

		/**
		 * Role (without the "ROLE_" prefix) an admin user or admin JWT must have.
		 */
		private String role = "TENANTLIMIT_ADMIN";

		/**
		 * Claim of an admin JWT that lists its roles.
		 */
		private String rolesClaim = "roles";

		/**
		 * Lifetime of the JWTs the token exchange issues for an API key.
		 */
		private Duration tokenLifetime = Duration.ofMinutes(15);

		/** Bearer tokens of admins, with keys of their own. */
		private final AdminJwt jwt = new AdminJwt();

		/**
		 * Failed admin sign-ins (wrong password, bad admin token) one client address may make
		 * in failed-login-window; past them it gets 429 with Retry-After until the window ends.
		 */
		private int maxFailedLogins = 10;

		/**
		 * Window, from an address's first failed admin sign-in, in which max-failed-logins count.
		 */
		private Duration failedLoginWindow = Duration.ofMinutes(1);

		public int getMaxFailedLogins() {
			return this.maxFailedLogins;
		}

		public void setMaxFailedLogins(int maxFailedLogins) {
			this.maxFailedLogins = maxFailedLogins;
		}

		public Duration getFailedLoginWindow() {
			return this.failedLoginWindow;
		}

		public void setFailedLoginWindow(Duration failedLoginWindow) {
			this.failedLoginWindow = failedLoginWindow;
		}

		public AdminJwt getJwt() {
			return this.jwt;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getBasePath() {
			return this.basePath;
		}

		public void setBasePath(String basePath) {
			this.basePath = basePath;
		}

		public String getRole() {
			return this.role;
		}

		public void setRole(String role) {
			this.role = role;
		}

		public String getRolesClaim() {
			return this.rolesClaim;
		}

		public void setRolesClaim(String rolesClaim) {
			this.rolesClaim = rolesClaim;
		}

		public Duration getTokenLifetime() {
			return this.tokenLifetime;
		}

		public void setTokenLifetime(Duration tokenLifetime) {
			this.tokenLifetime = tokenLifetime;
		}

	}

	public static class Fallback {

		/**
		 * Number of instances sharing each quota while Redis is away; by default the live
		 * instances counted through Redis heartbeats.
		 */
		private @Nullable Integer instances;

		/**
		 * Interval of the heartbeats that count the live instances.
		 */
		private Duration heartbeatInterval = Duration.ofSeconds(5);

		/**
		 * Time between two probes of an unreachable Redis, in the background: no request waits
		 * for Redis meanwhile.
		 */
		private Duration retryInterval = Duration.ofSeconds(2);

		/**
		 * Time over which failed decisions (Redis errors, replies later than redis.timeout) are
		 * counted; when at least half of the decisions in it failed (and at least five), Redis is
		 * held for unreachable. A refused or lost connection, or a decision that got no reply
		 * while nothing else came back either, counts at once. Whole seconds, at least one.
		 */
		private Duration failureWindow = Duration.ofSeconds(2);

		public @Nullable Integer getInstances() {
			return this.instances;
		}

		public void setInstances(@Nullable Integer instances) {
			this.instances = instances;
		}

		public Duration getHeartbeatInterval() {
			return this.heartbeatInterval;
		}

		public void setHeartbeatInterval(Duration heartbeatInterval) {
			this.heartbeatInterval = heartbeatInterval;
		}

		public Duration getRetryInterval() {
			return this.retryInterval;
		}

		public Duration getFailureWindow() {
			return this.failureWindow;
		}

		public void setFailureWindow(Duration failureWindow) {
			this.failureWindow = failureWindow;
		}

		public void setRetryInterval(Duration retryInterval) {
			this.retryInterval = retryInterval;
		}

	}

	public static class Shaping {

		/**
		 * Most requests one instance holds at once for quotas with a delay; a request beyond
		 * that is refused at once.
		 */
		private int maxWaiting = 1000;

		/**
		 * Most requests of one tenant one instance holds at once, so one tenant's burst cannot
		 * take every place; beyond that its requests are refused at once.
		 */
		private int maxWaitingPerTenant = 100;

		public int getMaxWaiting() {
			return this.maxWaiting;
		}

		public void setMaxWaiting(int maxWaiting) {
			this.maxWaiting = maxWaiting;
		}

		public int getMaxWaitingPerTenant() {
			return this.maxWaitingPerTenant;
		}

		public void setMaxWaitingPerTenant(int maxWaitingPerTenant) {
			this.maxWaitingPerTenant = maxWaitingPerTenant;
		}

	}

	public static class DenyCache {

		/**
		 * Whether to answer a tenant's requests from memory while one of its quotas is known to
		 * be full, without asking Redis.
		 */
		private boolean enabled = true;

		/**
		 * Longest a refusal is answered from memory before Redis is asked again, whatever its
		 * Retry-After (which still counts down from the real one): permits another instance's
		 * lease gives back unused are found within it.
		 */
		private Duration maxAge = Duration.ofMillis(250);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(Duration maxAge) {
			this.maxAge = maxAge;
		}

	}

	public static class Anonymous {

		/**
		 * With {@code filter.allow-anonymous}, the quotas of each client address that sends no
		 * credentials (as {@code default-quotas}: limit, window, path, methods, …), counted per
		 * address across instances; empty: such requests pass unlimited.
		 */
		private List<QuotaProperties> quotas = new ArrayList<>();

		public List<QuotaProperties> getQuotas() {
			return this.quotas;
		}

		public void setQuotas(List<QuotaProperties> quotas) {
			this.quotas = quotas;
		}

	}

	public static class Reload {

		/**
		 * Whether a change of the configuration files outside the application
		 * ({@code spring.config.additional-location}, {@code spring.config.location},
		 * {@code spring.config.import} with {@code file:} or {@code configtree:}, such as a
		 * mounted ConfigMap) applies without a restart: default quotas, exclusions, anonymous
		 * access and its quotas, unknown tenants, exempt tenants and roles, dry-run and fail mode.
		 */
		private boolean enabled = true;

		/**
		 * How often those files are read for a change.
		 */
		private Duration interval = Duration.ofSeconds(2);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

	}

	public static class Lease {

		/**
		 * Whether a hot tenant's permits are reserved from Redis in batches and admitted from
		 * memory. Every permit is counted in Redis before it is used, so the limit holds across
		 * instances; a tenant too slow to use two permits in a lease is decided request by
		 * request.
		 */
		private boolean enabled = true;

		/**
		 * How long the permits of one batch may be used after they were asked for; unused ones
		 * go back to Redis when it ends. Longer means fewer Redis calls and permits held longer
		 * by an instance whose traffic stops. At most one second.
		 */
		private Duration duration = Duration.ofMillis(100);

		/**
		 * The largest batch of permits one reservation asks for.
		 */
		private int maxPermits = 1000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getDuration() {
			return this.duration;
		}

		public void setDuration(Duration duration) {
			this.duration = duration;
		}

		public int getMaxPermits() {
			return this.maxPermits;
		}

		public void setMaxPermits(int maxPermits) {
			this.maxPermits = maxPermits;
		}

	}

	public static class Concurrency {

		private final Caps global = new Caps();

		private final Caps tenant = new Caps();

		/**
		 * How long a per-tenant lease lasts when it is not given back (an instance died): longer
		 * than the slowest request.
		 */
		private Duration leaseTimeout = Duration.ofSeconds(60);

		/**
		 * Caps on requests in flight on this instance, all tenants together.
		 */
		public Caps getGlobal() {
			return this.global;
		}

		/**
		 * Caps on one tenant's requests in flight on all instances together.
		 */
		public Caps getTenant() {
			return this.tenant;
		}

		public Duration getLeaseTimeout() {
			return this.leaseTimeout;
		}

		public void setLeaseTimeout(Duration leaseTimeout) {
			this.leaseTimeout = leaseTimeout;
		}

		public static class Caps {

			/**
			 * Most GET, HEAD and OPTIONS requests in flight; no cap when not set.
			 */
			private @Nullable Integer read;

			/**
			 * Most requests of other methods in flight; no cap when not set.
			 */
			private @Nullable Integer mutating;

			public @Nullable Integer getRead() {
				return this.read;
			}

			public void setRead(@Nullable Integer read) {
				this.read = read;
			}

			public @Nullable Integer getMutating() {
				return this.mutating;
			}

			public void setMutating(@Nullable Integer mutating) {
				this.mutating = mutating;
			}

		}

	}

	public static class Exempt {

		/**
		 * Tenants whose requests are never limited.
		 */
		private List<String> tenants = new ArrayList<>();

		/**
		 * Roles (as in HttpServletRequest.isUserInRole) whose requests are never limited.
		 */
		private List<String> roles = new ArrayList<>();

		public List<String> getTenants() {
			return this.tenants;
		}

		public void setTenants(List<String> tenants) {
			this.tenants = tenants;
		}

		public List<String> getRoles() {
			return this.roles;
		}

		public void setRoles(List<String> roles) {
			this.roles = roles;
		}

	}

	public static class Metrics {

		/**
		 * Whether to tag request metrics with the tenant id: one time series per tenant.
		 */
		private boolean tenantTag;

		public boolean isTenantTag() {
			return this.tenantTag;
		}

		public void setTenantTag(boolean tenantTag) {
			this.tenantTag = tenantTag;
		}

	}

}
