package dev.tenantlimit.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
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

import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.tenant.ApiKeys;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantStatus;
import dev.tenantlimit.tenant.TenantStore;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionOperations;

/**
 * A {@link TenantStore} on the shared database ({@code schema-<platform>.sql} beside this class),
 * with the writes that provisioning needs.
 */
public class JdbcTenantStore implements TenantStore {

	private final JdbcClient jdbc;

	private final TransactionOperations transactions;

	public JdbcTenantStore(JdbcClient jdbc, TransactionOperations transactions) {
		this.jdbc = jdbc;
		this.transactions = transactions;
	}

	@Override
	public Optional<Tenant> findTenant(String tenantId) {
		return this.jdbc.sql("SELECT tenant_id, name, plan, status FROM tl_tenant WHERE tenant_id = ?")
			.param(tenantId)
			.query((rs, row) -> tenant(rs))
			.optional()
			.map((tenant) -> tenant.withQuotas(findQuotas(tenantId)));
	}

	@Override
	public Optional<String> findTenantIdByApiKeyHash(String keyHash) {
		return this.jdbc.sql("SELECT tenant_id FROM tl_api_key WHERE key_hash = ? AND revoked_at IS NULL")
			.param(keyHash)
			.query(String.class)
			.optional();
	}

	/** The tenant's own quotas, in the order they were stored. */
	public List<Quota> findQuotas(String tenantId) {
		return this.jdbc
			.sql("SELECT quota_id, quota_limit, window_ms, path_pattern, methods FROM tl_quota"
					+ " WHERE tenant_id = ? ORDER BY quota_id")
			.param(tenantId)
			.query((rs, row) -> quota(rs))
			.list();
	}

	/** Insert a tenant and its quotas in one transaction. */
	public void createTenant(Tenant tenant) {
		this.transactions.executeWithoutResult((status) -> {
			this.jdbc.sql("INSERT INTO tl_tenant (tenant_id, name, plan, status) VALUES (?, ?, ?, ?)")
				.params(tenant.id(), tenant.name(), tenant.plan(), tenant.status().name())
				.update();
			insertQuotas(tenant.id(), tenant.quotas());
		});
	}

	/** Replace a tenant's quotas in one transaction: either all are stored or none changes. */
	public void replaceQuotas(String tenantId, List<Quota> quotas) {
		this.transactions.executeWithoutResult((status) -> {
			this.jdbc.sql("DELETE FROM tl_quota WHERE tenant_id = ?").param(tenantId).update();
			insertQuotas(tenantId, quotas);
		});
	}

	/**
	 * Store the hash of an API key for a tenant.
	 * @return the key's id
	 */
	public String addApiKey(String tenantId, String name, String key) {
		String keyId = UUID.randomUUID().toString();
		this.jdbc
			.sql("INSERT INTO tl_api_key (key_id, tenant_id, key_hash, key_prefix, name, created_at)"
					+ " VALUES (?, ?, ?, ?, ?, ?)")
			.params(keyId, tenantId, ApiKeys.hash(key), ApiKeys.displayPrefix(key), name,
					OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC))
			.update();
		return keyId;
	}

	private void insertQuotas(String tenantId, List<Quota> quotas) {
		for (Quota quota : quotas) {
			this.jdbc
				.sql("INSERT INTO tl_quota (tenant_id, quota_limit, window_ms, path_pattern, methods)"
						+ " VALUES (?, ?, ?, ?, ?)")
				.params(tenantId, quota.limit(), quota.window().toMillis(), quota.path(),
						String.join(",", quota.methods()))
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
		return new Quota(rs.getLong("quota_id"), rs.getLong("quota_limit"),
				Duration.ofMillis(rs.getLong("window_ms")), rs.getString("path_pattern"), methodSet);
	}

}
