package dev.tenantlimit.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Redis's clock as seen from this JVM: the offset of Redis {@code TIME} (µs) from
 * {@code System.nanoTime()} (µs). A reply carries the time Redis ran the call, which is before the
 * reply arrived, so every sample is at most the true offset and the largest is the closest. A
 * deadline built from it is therefore never later than the instance's own (so a call the instance
 * gave up on is dropped), and earlier by at most the best reply's delay. A sample lower than the
 * estimate by more than a reply can be late means Redis's clock stepped back (NTP, a failover to
 * another host): the estimate starts again from it.
 */
final class RedisClock {

	private static final long UNKNOWN = Long.MIN_VALUE;

	private final AtomicLong offsetMicros = new AtomicLong(UNKNOWN);

	private final long stepMicros;

	/** @param timeout the longest a reply can be late, beyond which a lower sample is a clock step */
	RedisClock(Duration timeout) {
		this.stepMicros = Math.max(Duration.ofSeconds(1).toNanos(), timeout.toNanos()) / 1000;
	}

	/** Redis ran a call at {@code redisMicros}; its reply arrived at {@code nanoTime}. */
	void observe(long redisMicros, long nanoTime) {
		long sample = redisMicros - nanoTime / 1000;
		long known = this.offsetMicros.get();
		while ((sample > known || known - sample > this.stepMicros)
				&& !this.offsetMicros.compareAndSet(known, sample)) {
			known = this.offsetMicros.get();
		}
	}

	/** On Redis's clock, {@code timeout} after {@code nanoTime}; 0 (none) before the first reply. */
	long deadline(long nanoTime, Duration timeout) {
		long offset = this.offsetMicros.get();
		return (offset == UNKNOWN) ? 0 : nanoTime / 1000 + offset + timeout.toNanos() / 1000;
	}

}
