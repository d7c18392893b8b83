package dev.tenantlimit.web;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogThrottleTests {

	@Test
	void letsThroughAFewLinesASecondAndCountsTheRest() {
		AtomicLong now = new AtomicLong(5_000_000_000L);
		LogThrottle throttle = new LogThrottle(2, now::get);
		assertThat(throttle.tryAcquire()).isZero();
		assertThat(throttle.tryAcquire()).isZero();
		assertThat(throttle.tryAcquire()).isEqualTo(-1);
		assertThat(throttle.tryAcquire()).isEqualTo(-1);
		now.addAndGet(1_000_000_000L);
		assertThat(throttle.tryAcquire()).as("held back the second before").isEqualTo(2);
		assertThat(throttle.tryAcquire()).isZero();
		assertThat(throttle.tryAcquire()).isEqualTo(-1);
	}

}
