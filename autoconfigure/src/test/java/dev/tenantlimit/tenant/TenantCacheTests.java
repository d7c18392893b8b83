package dev.tenantlimit.tenant;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TenantCacheTests {

	@Test
	void refreshesRunOnTheCachesOwnThreadNotOnANewThreadEach() throws InterruptedException {
		// the common pool has a parallelism of one on two cores, and CompletableFuture then starts a
		// thread per task: a refresh must not depend on how many cores the machine has
		Set<String> threads = ConcurrentHashMap.newKeySet();
		TenantStore store = new TenantStore() {
			@Override
			public Optional<Tenant> findTenant(String tenantId) {
				threads.add(Thread.currentThread().getName());
				return Optional.of(new Tenant(tenantId, tenantId, null, TenantStatus.ACTIVE, List.of()));
			}

			@Override
			public Optional<String> findTenantIdByApiKeyHash(String keyHash) {
				return Optional.empty();
			}
		};
		try (TenantCache cache = new TenantCache(store, Duration.ofMillis(5), Duration.ofMinutes(1), 100)) {
			for (int i = 0; i < 3; i++) {
				for (int tenant = 0; tenant < 10; tenant++) {
					assertThat(cache.tenant("t-" + tenant)).isPresent();
				}
				Thread.sleep(20);
			}
			for (int i = 0; i < 100 && !threads.contains("tenantlimit-cache-refresh"); i++) {
				Thread.sleep(10);
			}
		}
		// loaded on the caller's thread on a miss, refreshed on the cache's one thread
		assertThat(threads).contains("tenantlimit-cache-refresh", Thread.currentThread().getName()).hasSize(2);
	}

}
