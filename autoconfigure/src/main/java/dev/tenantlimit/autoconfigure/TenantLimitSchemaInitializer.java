package dev.tenantlimit.autoconfigure;

import java.util.List;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.jdbc.init.PlatformPlaceholderDatabaseDriverResolver;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.util.StringUtils;

/**
 * Runs {@code dev/tenantlimit/jdbc/schema-<platform>.sql} against the application's DataSource
 * when {@code tenantlimit.schema.initialize} says so. Boot's own initializer infrastructure
 * decides what "embedded" means and orders beans that use the database after it.
 */
public class TenantLimitSchemaInitializer extends DataSourceScriptDatabaseInitializer {

	/** Where the schema scripts are; {@code @@platform@@} becomes {@code h2}, {@code postgresql}... */
	public static final String SCHEMA_LOCATION = "classpath:dev/tenantlimit/jdbc/schema-@@platform@@.sql";

	public TenantLimitSchemaInitializer(DataSource dataSource, TenantLimitProperties.Schema properties) {
		super(dataSource, settings(dataSource, properties));
	}

	private static DatabaseInitializationSettings settings(DataSource dataSource,
			TenantLimitProperties.Schema properties) {
		PlatformPlaceholderDatabaseDriverResolver resolver = new PlatformPlaceholderDatabaseDriverResolver();
		String platform = properties.getPlatform();
		List<String> locations = StringUtils.hasText(platform) ? resolver.resolveAll(platform, SCHEMA_LOCATION)
				: resolver.resolveAll(dataSource, SCHEMA_LOCATION);
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setSchemaLocations(locations);
		settings.setMode(properties.getInitialize());
		return settings;
	}

}
