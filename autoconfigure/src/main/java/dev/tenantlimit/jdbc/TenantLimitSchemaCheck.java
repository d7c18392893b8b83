package dev.tenantlimit.jdbc;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Fails start-up when TenantLimit's tables are missing, instead of answering every request with
 * 503 and the admin API with 500. A database that cannot be reached at start-up is not a reason to
 * fail (the request path rides out store outages on its cache): that is only logged.
 */
public class TenantLimitSchemaCheck implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(TenantLimitSchemaCheck.class);

	private static final String[] TABLES = { "tl_tenant", "tl_plan", "tl_quota", "tl_api_key", "tl_audit" };

	private final JdbcClient jdbc;

	public TenantLimitSchemaCheck(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public void afterSingletonsInstantiated() {
		for (String table : TABLES) {
			try {
				this.jdbc.sql("SELECT 1 FROM " + table + " WHERE 1 = 0").query().listOfRows();
			}
			catch (BadSqlGrammarException ex) {
				throw new MissingSchemaException(table, ex);
			}
			catch (DataAccessException ex) {
				logger.warn("Could not check TenantLimit's tables at start-up: " + ex.getMessage());
				return;
			}
		}
	}

	/** A table of TenantLimit's schema is not in the database. */
	public static class MissingSchemaException extends IllegalStateException {

		private final String table;

		MissingSchemaException(String table, Throwable cause) {
			super("TenantLimit's table " + table + " does not exist in the application's database", cause);
			this.table = table;
		}

		public String table() {
			return this.table;
		}

	}

}
