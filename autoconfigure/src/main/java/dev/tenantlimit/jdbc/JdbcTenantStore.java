package dev.tenantlimit.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.tenantlimit.quota.Algorithm;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.tenant.ApiKeyDirectory;
import dev.tenantlimit.tenant.ApiKeyInfo;
import dev.tenantlimit.tenant.ApiKeys;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantStatus;
import dev.tenantlimit.tenant.TenantStore;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionOperations;

/**
 * A {@link TenantStore} on the shared database ({@code schema-<platform>.sql} beside this class),
 * with the writes that provisioning needs. A tenant's effective quotas are its own, else its
 * plan's.
 */
public class JdbcTenantStore implements TenantStore, ApiKeyDirectory {

	private static final String QUOTA_COLUMNS = "quota_id, quota_limit, window_ms, path_pattern, methods, shadow, algorithm, burst, shards, lease, cost, per_dims, charged, delay_ms";

	private static final String KEY_COLUMNS = "key_id, tenant_id, name, key_prefix, created_at, revoked_at";

	private final JdbcClient jdbc;

	private final TransactionOperations transactions;

	public JdbcTenantStore(JdbcClient jdbc, TransactionOperations transactions) {
		this.jdbc = jdbc;
		this.transactions = transactions;
	}

	/** The transactions this store writes in, for callers that write more in the same one. */
	public TransactionOperations transactions() {
		return this.transactions;
	}

	@Override
	public Optional<Tenant> findTenant(String tenantId) {
		return findTenantOnly(tenantId).map((tenant) -> {
			List<Quota> own = findQuotas(tenantId);
			return (own.isEmpty() && tenant.plan() != null) ? tenant.withQuotas(findPlanQuotas(tenant.plan()))
					: tenant.withQuotas(own);
		});
	}

	/** The tenant row without its quotas. */
	public Optional<Tenant> findTenantOnly(String tenantId) {
		return this.jdbc.sql("SELECT tenant_id, name, plan, status FROM tl_tenant WHERE tenant_id = ?")
			.param(tenantId)
			.query((rs, row) -> tenant(rs))
			.optional();
	}

	/**
	 * The tenant row, locked until the calling transaction ends, so concurrent changes of one
	 * tenant (its quotas, its keys, itself) are serialised and each reads what the last one wrote.
	 */
	public Optional<Tenant> lockTenant(String tenantId) {
		return this.jdbc.sql("SELECT tenant_id, name, plan, status FROM tl_tenant WHERE tenant_id = ? FOR UPDATE")
			.param(tenantId)
			.query((rs, row) -> tenant(rs))
			.optional();
	}

	/** The plan row, locked until the calling transaction ends; false when there is no such plan. */
	public boolean lockPlan(String plan) {
		return this.jdbc.sql("SELECT plan FROM tl_plan WHERE plan = ? FOR UPDATE")
			.param(plan)
			.query(String.class)
			.optional()
			.isPresent();
	}

	@Override
	public Optional<String> findTenantIdByApiKeyHash(String keyHash) {
		return this.jdbc.sql("SELECT tenant_id FROM tl_api_key WHERE key_hash = ? AND revoked_at IS NULL")
			.param(keyHash)
			.query(String.class)
			.optional();
	}

	@Override
	public List<String> activeApiKeyHashes() {
		return this.jdbc.sql("SELECT key_hash FROM tl_api_key WHERE revoked_at IS NULL").query(String.class).list();
	}

	@Override
	public List<KeyState> apiKeysChangedSince(Instant since) {
		OffsetDateTime at = utc(since);
		return this.jdbc
			.sql("SELECT key_hash, revoked_at FROM tl_api_key WHERE created_at >= ? OR revoked_at >= ?")
			.params(at, at)
			.query((rs, row) -> new KeyState(rs.getString("key_hash"), rs.getTimestamp("revoked_at") == null))
			.list();
	}

	/** Tenants ordered by id, without quotas. */
	public List<Tenant> listTenants(int offset, int limit) {
		return this.jdbc.sql("SELECT tenant_id, name, plan, status FROM tl_tenant ORDER BY tenant_id LIMIT ? OFFSET ?")
			.params(limit, offset)
			.query((rs, row) -> tenant(rs))
			.list();
	}

	public long countTenants() {
		return this.jdbc.sql("SELECT COUNT(*) FROM tl_tenant").query(Long.class).single();
	}

	/** Insert a tenant and its quotas in one transaction. */
	public void createTenant(Tenant tenant) {
		this.transactions.executeWithoutResult((status) -> {
			this.jdbc.sql("INSERT INTO tl_tenant (tenant_id, name, plan, status) VALUES (?, ?, ?, ?)")
				.params(tenant.id(), tenant.name(), tenant.plan(), tenant.status().name())
				.update();
			insertQuotas("tenant_id", tenant.id(), tenant.quotas());
		});
	}

	/** Update a tenant's name, plan and status; false when there is no such tenant. */
	public boolean updateTenant(Tenant tenant) {
		return this.jdbc.sql("UPDATE tl_tenant SET name = ?, plan = ?, status = ? WHERE tenant_id = ?")
			.params(tenant.name(), tenant.plan(), tenant.status().name(), tenant.id())
			.update() == 1;
	}

	/** Delete a tenant with its quotas and keys; false when there is no such tenant. */
	public boolean deleteTenant(String tenantId) {
		return this.jdbc.sql("DELETE FROM tl_tenant WHERE tenant_id = ?").param(tenantId).update() == 1;
	}

	/** The tenant's own quotas, in the order they were stored. */
	public List<Quota> findQuotas(String tenantId) {
		return quotas("tenant_id", tenantId);
	}

	/** Replace a tenant's quotas in one transaction: either all are stored or none changes. */
	public List<Quota> replaceQuotas(String tenantId, List<Quota> quotas) {
		return replace("tenant_id", tenantId, quotas);
	}

	/** The names of all plans. */
	public List<String> listPlans() {
		return this.jdbc.sql("SELECT plan FROM tl_plan ORDER BY plan").query(String.class).list();
	}

	public boolean planExists(String plan) {
		return this.jdbc.sql("SELECT COUNT(*) FROM tl_plan WHERE plan = ?").param(plan).query(Long.class).single() > 0;
	}

	/** The plan's quotas, in the order they were stored. */
	public List<Quota> findPlanQuotas(String plan) {
		return quotas("plan", plan);
	}

	/**
	 * Create a plan without quotas.
	 * @throws org.springframework.dao.DuplicateKeyException when it exists (or another
	 * transaction created it meanwhile)
	 */
	public void createPlan(String plan) {
		this.jdbc.sql("INSERT INTO tl_plan (plan) VALUES (?)").param(plan).update();
	}

	/** Replace the quotas of a plan that exists, in one transaction. */
	public List<Quota> replaceExistingPlanQuotas(String plan, List<Quota> quotas) {
		return replace("plan", plan, quotas);
	}

	/**
	 * Create the plan if needed and replace its quotas, in one transaction. Two transactions that
	 * both create it: the second fails with a {@code DuplicateKeyException}, to be retried.
	 */
	public List<Quota> replacePlanQuotas(String plan, List<Quota> quotas) {
		return this.transactions.execute((status) -> {
			if (!lockPlan(plan)) {
				this.jdbc.sql("INSERT INTO tl_plan (plan) VALUES (?)").param(plan).update();
			}
			return replace("plan", plan, quotas);
		});
	}

	/**
	 * Store the hash of an API key for a tenant.
	 * @return what is stored of the key
	 */
	public ApiKeyInfo addApiKey(String tenantId, String name, String key) {
		ApiKeyInfo info = new ApiKeyInfo(UUID.randomUUID().toString(), tenantId, name, ApiKeys.displayPrefix(key),
				Instant.now(), null);
		this.jdbc
			.sql("INSERT INTO tl_api_key (key_id, tenant_id, key_hash, key_prefix, name, created_at)"
					+ " VALUES (?, ?, ?, ?, ?, ?)")
			.params(info.id(), tenantId, ApiKeys.hash(key), info.prefix(), name, utc(info.createdAt()))
			.update();
		return info;
	}

	/** The tenant's keys, revoked ones included, oldest first. */
	public List<ApiKeyInfo> listApiKeys(String tenantId) {
		return this.jdbc.sql("SELECT " + KEY_COLUMNS + " FROM tl_api_key WHERE tenant_id = ? ORDER BY created_at, key_id")
			.param(tenantId)
			.query((rs, row) -> apiKey(rs))
			.list();
	}

	/** One of the tenant's keys, revoked or not. */
	public Optional<ApiKeyInfo> findApiKey(String tenantId, String keyId) {
		return this.jdbc.sql("SELECT " + KEY_COLUMNS + " FROM tl_api_key WHERE tenant_id = ? AND key_id = ?")
			.params(tenantId, keyId)
			.query((rs, row) -> apiKey(rs))
			.optional();
	}

	/** The hash of one of the tenant's keys, so caches can forget it. */
	public Optional<String> findApiKeyHash(String tenantId, String keyId) {
		return this.jdbc.sql("SELECT key_hash FROM tl_api_key WHERE tenant_id = ? AND key_id = ?")
			.params(tenantId, keyId)
			.query(String.class)
			.optional();
	}

	/**
	 * Revoke one of the tenant's keys.
	 * @return the key as revoked; empty when the tenant has no such key or it was revoked already
	 */
	public Optional<ApiKeyInfo> revokeApiKey(String tenantId, String keyId) {
		int revoked = this.jdbc
			.sql("UPDATE tl_api_key SET revoked_at = ? WHERE tenant_id = ? AND key_id = ? AND revoked_at IS NULL")
			.params(utc(Instant.now()), tenantId, keyId)
			.update();
		return (revoked == 1) ? findApiKey(tenantId, keyId) : Optional.empty();
	}

	private List<Quota> quotas(String ownerColumn, String owner) {
		return this.jdbc
			.sql("SELECT " + QUOTA_COLUMNS + " FROM tl_quota WHERE " + ownerColumn + " = ? ORDER BY quota_id")
			.param(owner)
			.query((rs, row) -> quota(rs))
			.list();
	}

	private List<Quota> replace(String ownerColumn, String owner, List<Quota> quotas) {
		return this.transactions.execute((status) -> {
			this.jdbc.sql("DELETE FROM tl_quota WHERE " + ownerColumn + " = ?").param(owner).update();
			insertQuotas(ownerColumn, owner, quotas);
			return quotas(ownerColumn, owner);
		});
	}

	private void insertQuotas(String ownerColumn, String owner, List<Quota> quotas) {
		for (Quota quota : quotas) {
			this.jdbc
				.sql("INSERT INTO tl_quota (" + ownerColumn
						+ ", quota_limit, window_ms, path_pattern, methods, shadow, algorithm, burst, shards, lease, cost, per_dims, charged, delay_ms)"
						+ " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
				.params(owner, quota.limit(), quota.window().toMillis(), quota.path(), String.join(",", quota.methods()),
						quota.shadow(), quota.algorithm().id(), quota.burst(), quota.shards(), quota.lease(), quota.cost(),
						String.join(",", quota.per()), quota.charged(), quota.delay().toMillis())
				.update();
		}
	}

	private static Tenant tenant(ResultSet rs) throws SQLException {
		return new Tenant(rs.getString("tenant_id"), rs.getString("name"), rs.getString("plan"),
				TenantStatus.valueOf(rs.getString("status")), List.of());
	}

	private static Quota quota(ResultSet rs) throws SQLException {
		String methods = rs.getString("methods");
		Set<String> methodSet = methods.isEmpty() ? Set.of()
				: Arrays.stream(methods.split(",")).collect(Collectors.toSet());
		long limit = rs.getLong("quota_limit");
		Algorithm algorithm = Algorithm.of(rs.getString("algorithm"));
		if (algorithm == Algorithm.SLIDING_LOG && limit > Quota.MAX_LOG_LIMIT) {
			// stored before logs were capped: counted as the sliding counter, as an auto quota of that limit is
			algorithm = Algorithm.SLIDING_COUNTER;
		}
		return new Quota(rs.getLong("quota_id"), limit,
				Duration.ofMillis(rs.getLong("window_ms")), rs.getString("path_pattern"), methodSet,
				rs.getBoolean("shadow"), algorithm, rs.getLong("burst"), rs.getInt("shards"),
				rs.getBoolean("lease"), rs.getLong("cost"), list(rs.getString("per_dims")), "",
				rs.getBoolean("charged"), Duration.ofMillis(rs.getLong("delay_ms")));
	}

	private static List<String> list(String commaSeparated) {
		return commaSeparated.isEmpty() ? List.of() : List.of(commaSeparated.split(","));
	}

	private static ApiKeyInfo apiKey(ResultSet rs) throws SQLException {
		return new ApiKeyInfo(rs.getString("key_id"), rs.getString("tenant_id"), rs.getString("name"),
				rs.getString("key_prefix"), instant(rs.getTimestamp("created_at")),
				(rs.getTimestamp("revoked_at") != null) ? instant(rs.getTimestamp("revoked_at")) : null);
	}

	private static Instant instant(Timestamp timestamp) {
		return timestamp.toInstant();
	}

	private static OffsetDateTime utc(Instant instant) {
		return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
	}


}
