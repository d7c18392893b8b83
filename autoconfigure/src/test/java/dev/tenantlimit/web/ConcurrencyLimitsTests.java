package dev.tenantlimit.web;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import dev.tenantlimit.limiter.ConcurrencyLeases;
import dev.tenantlimit.limiter.RateLimiterUnavailableException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The caps with in-memory leases; the Redis leases are in their own integration test. */
class ConcurrencyLimitsTests {

	private final InMemoryLeases leases = new InMemoryLeases();

	@Test
	void instanceCapsAreSeparateForReadsAndWrites() {
		ConcurrencyLimits limits = new ConcurrencyLimits(new ConcurrencyLimits.Caps(2, 1, null, null), null);
		ConcurrencyLimits.Permit first = limits.tryAcquire("a", "GET");
		assertThat(limits.tryAcquire("b", "HEAD")).isNotNull();
		assertThat(limits.tryAcquire("c", "OPTIONS")).isNull();
		assertThat(limits.tryAcquire("a", "POST")).isNotNull();
		assertThat(limits.tryAcquire("a", "DELETE")).isNull();
		first.close();
		first.close();
		assertThat(limits.tryAcquire("c", "GET")).isNotNull();
		assertThat(limits.tryAcquire("c", "GET")).isNull();
	}

	@Test
	void tenantCapsCountOneTenantAndGiveTheInstancePermitBack() {
		ConcurrencyLimits limits = new ConcurrencyLimits(new ConcurrencyLimits.Caps(10, null, 1, null), this.leases);
		ConcurrencyLimits.Permit acme = limits.tryAcquire("acme", "GET");
		assertThat(acme).isNotNull();
		assertThat(limits.tryAcquire("acme", "GET")).isNull();
		assertThat(limits.tryAcquire("other", "GET")).isNotNull();
		assertThat(limits.tryAcquire("acme", "PUT")).as("no mutating cap").isNotNull();
		acme.close();
		assertThat(this.leases.held).doesNotContainKey("acme/read");
		assertThat(limits.tryAcquire("acme", "GET")).isNotNull();
		// the refused tenant request gave its instance permit back: 10 - 2 held (other, acme)
		for (int i = 0; i < 8; i++) {
			assertThat(limits.tryAcquire("t" + i, "GET")).isNotNull();
		}
		assertThat(limits.tryAcquire("t9", "GET")).isNull();
	}

	@Test
	void unreachableLeasesLeaveTheTenantCapsOff() {
		this.leases.down = true;
		ConcurrencyLimits limits = new ConcurrencyLimits(new ConcurrencyLimits.Caps(null, null, 1, 1), this.leases);
		assertThat(limits.tryAcquire("acme", "GET")).isNotNull();
		assertThat(limits.tryAcquire("acme", "GET")).isNotNull();
	}

	private static final class InMemoryLeases implements ConcurrencyLeases {

		private final Map<String, Set<String>> held = new HashMap<>();

		private boolean down;

		@Override
		public boolean tryAcquire(String tenantId, String kind, String leaseId, int cap) {
			if (this.down) {
				throw new RateLimiterUnavailableException("down", null);
			}
			Set<String> leases = this.held.computeIfAbsent(tenantId + "/" + kind, (key) -> new HashSet<>());
			return leases.size() < cap && leases.add(leaseId);
		}

		@Override
		public void release(String tenantId, String kind, String leaseId) {
			Set<String> leases = this.held.get(tenantId + "/" + kind);
			if (leases != null && leases.remove(leaseId) && leases.isEmpty()) {
				this.held.remove(tenantId + "/" + kind);
			}
		}

	}

}
