package dev.tenantlimit.testapp;

import java.util.UUID;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The two databases the tests run on: a private in-memory H2 database, and a private schema of
 * the local PostgreSQL ({@code 127.0.0.1:5432/test}) that {@link #drop} removes again; and a
 * private Redis key prefix.
 */
public final class TestDatabases {

	private TestDatabases() {
	}

	/** A private H2 database and a private Redis key prefix for one application context. */
	public static void isolate(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", TestDatabases::h2Url);
		registry.add("tenantlimit.redis.key-prefix", () -> "tl-test-" + UUID.randomUUID() + ":");
	}

	public static String h2Url() {
		return "jdbc:h2:mem:tl-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
	}

	/** Creates a fresh schema and returns a URL whose connections use it. */
	public static String postgresUrl() {
		String schema = "tl_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		JdbcClient.create(dataSource(postgresBaseUrl())).sql("CREATE SCHEMA " + schema).update();
		return postgresBaseUrl() + "?currentSchema=" + schema;
	}

	public static void drop(String url) {
		int at = url.indexOf("?currentSchema=");
		if (at > 0) {
			JdbcClient.create(dataSource(postgresBaseUrl()))
				.sql("DROP SCHEMA " + url.substring(at + "?currentSchema=".length()) + " CASCADE")
				.update();
		}
	}

	public static DataSource dataSource(String url) {
		DriverManagerDataSource dataSource = new DriverManagerDataSource(url);
		if (url.startsWith("jdbc:postgresql:")) {
			dataSource.setUsername(TestServices.postgresUser());
		}
		return dataSource;
	}

	private static String postgresBaseUrl() {
		return TestServices.postgresUrl();
	}

}
