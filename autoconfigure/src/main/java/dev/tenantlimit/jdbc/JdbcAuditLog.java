package dev.tenantlimit.jdbc;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import dev.tenantlimit.admin.AuditEntry;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;

/** The admin API's audit log, in {@code tl_audit}. */
public class JdbcAuditLog {

	private static final String COLUMNS = "audit_id, tenant_id, actor, action, target, before_json, after_json, created_at";

	private final JdbcClient jdbc;

	public JdbcAuditLog(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Write one entry; call it in the transaction of the change it records. */
	public void record(@Nullable String tenantId, String actor, String action, String target, @Nullable String before,
			@Nullable String after) {
		this.jdbc
			.sql("INSERT INTO tl_audit (tenant_id, actor, action, target, before_json, after_json, created_at)"
					+ " VALUES (?, ?, ?, ?, ?, ?, ?)")
			.params(tenantId, actor, action, target, before, after, OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC))
			.update();
	}

	/** Entries, newest first, of one tenant or (with {@code null}) of all. */
	public List<AuditEntry> list(@Nullable String tenantId, int offset, int limit) {
		String where = (tenantId != null) ? " WHERE tenant_id = :tenant" : "";
		JdbcClient.StatementSpec sql = this.jdbc
			.sql("SELECT " + COLUMNS + " FROM tl_audit" + where + " ORDER BY audit_id DESC LIMIT :limit OFFSET :offset")
			.param("limit", limit)
			.param("offset", offset);
		if (tenantId != null) {
			sql = sql.param("tenant", tenantId);
		}
		return sql.query((rs, row) -> new AuditEntry(rs.getLong("audit_id"), rs.getString("tenant_id"),
				rs.getString("actor"), rs.getString("action"), rs.getString("target"), rs.getString("before_json"),
				rs.getString("after_json"), rs.getTimestamp("created_at").toInstant()))
			.list();
	}

	public long count(@Nullable String tenantId) {
		return (tenantId != null)
				? this.jdbc.sql("SELECT COUNT(*) FROM tl_audit WHERE tenant_id = ?").param(tenantId).query(Long.class).single()
				: this.jdbc.sql("SELECT COUNT(*) FROM tl_audit").query(Long.class).single();
	}

}
