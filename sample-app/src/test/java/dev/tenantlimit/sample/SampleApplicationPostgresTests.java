package dev.tenantlimit.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

import dev.tenantlimit.testapp.TestServices;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample on the local PostgreSQL, chosen by spring.datasource.url alone (in a private schema). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleApplicationPostgresTests {


	private static final String SCHEMA = "tl_sample_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) throws SQLException {
		execute("CREATE SCHEMA " + SCHEMA);
		registry.add("spring.datasource.url", () -> TestServices.postgresUrl() + "?currentSchema=" + SCHEMA);
		registry.add("spring.datasource.username", TestServices::postgresUser);
		registry.add("tenantlimit.redis.key-prefix", () -> "tl-test-" + UUID.randomUUID() + ":");
		registry.add("spring.data.redis.port", TestServices::redisPort);
	}

	@AfterAll
	static void dropSchema() throws SQLException {
		execute("DROP SCHEMA " + SCHEMA + " CASCADE");
	}

	@LocalServerPort
	private int port;

	@Autowired
	private JdbcClient jdbc;

	@Test
	void seedsAndServesTheDemoTenantFromPostgres() throws Exception {
		assertThat(this.jdbc.sql("SELECT current_schema()").query(String.class).single()).isEqualTo(SCHEMA);
		assertThat(this.jdbc.sql("SELECT name FROM tl_tenant WHERE tenant_id = 'demo'").query(String.class).single())
			.isEqualTo("Demo Ltd");
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/whoami"))
				.header("X-API-Key", "tl_demo_do_not_use_in_production_0")
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("{\"tenant\":\"demo\"}");
	}

	private static void execute(String sql) throws SQLException {
		try (Connection connection = DriverManager.getConnection(TestServices.postgresUrl(), TestServices.postgresUser(),
				"")) {
			try (var statement = connection.createStatement()) {
				statement.execute(sql);
			}
		}
	}

}
