package dev.tenantlimit.admin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import dev.tenantlimit.jdbc.JdbcAuditLog;
import dev.tenantlimit.jdbc.JdbcTenantStore;
import dev.tenantlimit.limiter.QuotaUsageReader;
import dev.tenantlimit.testapp.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "PUT replaces the whole set in one transaction" under concurrency, on H2 and PostgreSQL: 50
 * parallel replacements of one tenant's 20 quotas (and of one plan's, which the first of them
 * creates) leave exactly one request's set, and the audit log is one chain in which every entry's
 * {@code before} is the previous entry's {@code after}.
 */
class ConcurrentAdminChangesIntegrationTests {

	private static final int WRITERS = 50;

	private static final int QUOTAS = AdminRequests.MAX_QUOTAS;

	@ParameterizedTest
	@ValueSource(strings = { "h2", "postgresql" })
	void parallelQuotaReplacementsLeaveOneWholeSetAndOneAuditChain(String database) throws Exception {
		String url = "h2".equals(database) ? TestDatabases.h2Url() : TestDatabases.postgresUrl();
		try {
			DataSource dataSource = pooled(url);
			new ResourceDatabasePopulator(new ClassPathResource("dev/tenantlimit/jdbc/schema-" + database + ".sql"))
				.execute(dataSource);
			JdbcClient jdbc = JdbcClient.create(dataSource);
			JdbcTenantStore store = new JdbcTenantStore(jdbc,
					new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
			TenantAdministration administration = new TenantAdministration(store, new JdbcAuditLog(jdbc),
					(change) -> {
					}, NO_USAGE, List::of, () -> "admin", JsonMapper.shared());
			administration.createTenant(new TenantRequest("acme", "Acme", null));

			inParallel((writer) -> administration.replaceQuotas("acme", quotas(writer)));
			assertOneWholeSet(administration.getQuotas("acme"));
			assertOneChain(administration, "acme", "quotas.replace", administration.getQuotas("acme"));

			inParallel((writer) -> administration.replacePlan("pro", quotas(writer)));
			assertOneWholeSet(administration.getPlan("pro").quotas());
			assertOneChain(administration, null, "plan.replace", administration.getPlan("pro").quotas());
		}
		finally {
			TestDatabases.drop(url);
		}
	}

	/** Writer w's set: 20 quotas of limits w*100+1 .. w*100+20. */
	private static List<QuotaRequest> quotas(int writer) {
		List<QuotaRequest> quotas = new ArrayList<>();
		for (int i = 1; i <= QUOTAS; i++) {
			quotas.add(new QuotaRequest((long) writer * 100 + i, "1m", "/api/" + i + "/**", null, null));
		}
		return quotas;
	}

	private static void assertOneWholeSet(List<QuotaView> stored) {
		assertThat(stored).hasSize(QUOTAS);
		assertThat(stored.stream().map((quota) -> quota.limit() / 100).distinct()).as("quotas of one request only")
			.hasSize(1);
	}

	private static void assertOneChain(TenantAdministration administration, String tenantId, String action,
			List<QuotaView> stored) {
		List<AuditEntry> entries = new ArrayList<>(administration.audit(tenantId, 0, 100).items()
			.stream()
			.filter((entry) -> entry.action().equals(action))
			.sorted(Comparator.comparingLong(AuditEntry::id))
			.toList());
		assertThat(entries).hasSize(WRITERS);
		for (int i = 1; i < entries.size(); i++) {
			assertThat(entries.get(i).before()).as("entry %d's before is entry %d's after", i, i - 1)
				.isEqualTo(entries.get(i - 1).after());
		}
		assertThat(entries.get(entries.size() - 1).after()).isEqualTo(JsonMapper.shared().writeValueAsString(stored));
	}

	private static void inParallel(Writer writer) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Object>> done = new ArrayList<>();
			for (int w = 0; w < WRITERS; w++) {
				int id = w;
				Callable<Object> call = () -> {
					start.await();
					writer.write(id);
					return null;
				};
				done.add(pool.submit(call));
			}
			start.countDown();
			for (Future<Object> future : done) {
				future.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	private static DataSource pooled(String url) {
		com.zaxxer.hikari.HikariDataSource dataSource = new com.zaxxer.hikari.HikariDataSource();
		dataSource.setJdbcUrl(url);
		dataSource.setMaximumPoolSize(20);
		if (url.startsWith("jdbc:postgresql:")) {
			dataSource.setUsername(dev.tenantlimit.testapp.TestServices.postgresUser());
		}
		return dataSource;
	}

	private static final QuotaUsageReader NO_USAGE = new QuotaUsageReader() {

		@Override
		public List<dev.tenantlimit.limiter.QuotaUsage> usage(String tenantId, List<dev.tenantlimit.quota.Quota> quotas) {
			return List.of();
		}

		@Override
		public void reset(String tenantId, List<dev.tenantlimit.quota.Quota> quotas) {
		}

	};

	@FunctionalInterface
	private interface Writer {

		void write(int writer) throws Exception;

	}

}
