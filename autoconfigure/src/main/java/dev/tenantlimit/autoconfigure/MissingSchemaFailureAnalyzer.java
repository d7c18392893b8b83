package dev.tenantlimit.autoconfigure;

import dev.tenantlimit.jdbc.TenantLimitSchemaCheck.MissingSchemaException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Says how to create TenantLimit's tables when they are missing. */
class MissingSchemaFailureAnalyzer extends AbstractFailureAnalyzer<MissingSchemaException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MissingSchemaException cause) {
		return new FailureAnalysis(cause.getMessage() + ". Nothing created it: tenantlimit.schema.initialize is "
				+ "'embedded' by default, which creates the tables in an embedded database (H2) only.",
				"Set tenantlimit.schema.initialize=always to create the tables at start-up (the scripts are "
						+ "idempotent), or let your migration tool create them: Flyway with "
						+ "classpath:dev/tenantlimit/flyway/{vendor} added to spring.flyway.locations, Liquibase by "
						+ "including dev/tenantlimit/liquibase/tenantlimit-changelog.yaml in your changelog, anything "
						+ "else from " + TenantLimitSchemaInitializer.SCHEMA_LOCATION.replace("@@platform@@", "postgresql")
						+ " (and schema-h2.sql beside it) in the TenantLimit jar.",
				cause);
	}

}
