package dev.tenantlimit.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Redis's clock as seen from this JVM: the offset of Redis {@code TIME} (µs) from
 * {@code System.nanoTime()} (µs). A reply carries the time Redis ran the call, which is before the
 * reply arrived, so every sample is at most the true offset; the largest sample is the closest.
 * A deadline built from it is never earlier than the instance's own: no call the instance still
 * waits for is dropped, save after Redis's clock stepped forward and until its next reply.
 */
final class RedisClock {

	private static final long UNKNOWN = Long.MIN_VALUE;

	private final AtomicLong offsetMicros = new AtomicLong(UNKNOWN);

	/** Redis ran a call at {@code redisMicros}; its reply arrived at {@code nanoTime}. */
	void observe(long redisMicros, long nanoTime) {
		long sample = redisMicros - nanoTime / 1000;
		long known = this.offsetMicros.get();
		while (sample > known && !this.offsetMicros.compareAndSet(known, sample)) {
			known = this.offsetMicros.get();
		}
	}

	/** On Redis's clock, {@code timeout} after {@code nanoTime}; 0 (none) before the first reply. */
	long deadline(long nanoTime, Duration timeout) {
		long offset = this.offsetMicros.get();
		return (offset == UNKNOWN) ? 0 : nanoTime / 1000 + offset + timeout.toNanos() / 1000;
	}

}
