package dev.tenantlimit.limiter;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.tenantlimit.quota.Algorithm;
import dev.tenantlimit.quota.Quota;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LocalAdmissionsTests {

	private final LocalAdmissions admissions = new LocalAdmissions();

	private final Quota tenPerMinute = Quota.of(10, Duration.ofMinutes(1));

	private static final long SECOND = Duration.ofSeconds(1).toNanos();

	@Test
	void countsByBucketWithAgesMeasuredFromTheBucketsEnd() {
		long start = 1000 * SECOND;
		this.admissions.record("acme", List.of(this.tenPerMinute), start);
		this.admissions.record("acme", List.of(this.tenPerMinute), start + 100);
		this.admissions.record("acme", List.of(this.tenPerMinute), start + 10 * SECOND);
		assertThat(this.admissions.hasPending()).isTrue();
		List<LocalAdmissions.Batch> batches = this.admissions.drain(start + 20 * SECOND);
		assertThat(this.admissions.hasPending()).isFalse();
		LocalAdmissions.Batch batch = batches.get(0);
		// buckets of 600 ms (a hundredth of the window), aged from their end: never older than they are
		Map<Long, Long> countsByAge = new TreeMap<>();
		for (int i = 0; i < batch.ages().length; i++) {
			countsByAge.put(batch.ages()[i], batch.counts()[i]);
		}
		assertThat(countsByAge).isEqualTo(Map.of(19_800_000_000L, 2L, 9_600_000_000L, 1L));
	}

	@Test
	void admissionsOlderThanTheWindowAreNotWrittenBack() {
		long start = 1000 * SECOND;
		for (int i = 0; i < 10; i++) {
			this.admissions.record("acme", List.of(this.tenPerMinute), start + i * 30 * SECOND);
		}
		LocalAdmissions.Batch batch = this.admissions.drain(start + 270 * SECOND).get(0);
		// those of the last minute still count, aged from their bucket's end: at 59.8 s, 29.8 s, 0 s
		assertThat(batch.total()).isEqualTo(3);
	}

	@Test
	void aTallyIdleForLongerThanItsSpanIsDroppedAndANewOneCounts() {
		this.admissions.record("acme", List.of(this.tenPerMinute), 0);
		assertThat(this.admissions.drain(SECOND)).hasSize(1);
		assertThat(this.admissions.drain(2 * SECOND)).isEmpty();
		assertThat(this.admissions.drain(70 * SECOND)).isEmpty();
		this.admissions.record("acme", List.of(this.tenPerMinute), 71 * SECOND);
		assertThat(this.admissions.drain(72 * SECOND)).singleElement()
			.extracting(LocalAdmissions.Batch::total)
			.isEqualTo(1L);
	}

	@Test
	void aTokenBucketLargerThanItsLimitKeepsAdmissionsUntilItWouldHaveRefilled() {
		Quota bucket = Quota.of(10, Duration.ofMinutes(1)).withAlgorithm(Algorithm.TOKEN_BUCKET, 30);
		this.admissions.record("acme", List.of(bucket), 0);
		// three minutes to refill 30 tokens at 10 a minute: still counted after two
		assertThat(this.admissions.drain(120 * SECOND)).singleElement()
			.extracting(LocalAdmissions.Batch::total)
			.isEqualTo(1L);
	}

}
