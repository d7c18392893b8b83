package dev.tenantlimit.limiter;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes what this instance admitted without the shared limiter into the shared counters, in
 * batches of one tenant and quota; what the shared limiter cannot take now is kept, aged, for the
 * next run. Runs on the failover's background thread only.
 */
final class WriteBack {

	private final SharedRateLimiter shared;

	private final LocalFallback fallback;

	private final FallbackState state;

	private List<LocalAdmissions.Batch> unwritten = List.of();

	private long unwrittenAt;

	private long lastWritten;

	WriteBack(SharedRateLimiter shared, LocalFallback fallback, FallbackState state) {
		this.shared = shared;
		this.fallback = fallback;
		this.state = state;
	}

	/**
	 * Write everything admitted so far.
	 * @param now the current nanoTime
	 * @return whether everything was written; if not, the rest is kept for the next run
	 */
	boolean run(long now) {
		List<LocalAdmissions.Batch> batches = new ArrayList<>();
		for (LocalAdmissions.Batch batch : this.unwritten) {
			batches.add(aged(batch, now - this.unwrittenAt));
		}
		batches.addAll(this.fallback.drain(now));
		this.unwritten = List.of();
		long written = 0;
		try {
			for (int i = 0; i < batches.size(); i++) {
				LocalAdmissions.Batch batch = batches.get(i);
				try {
					this.shared.writeBack(batch);
				}
				catch (RuntimeException ex) {
					// kept whole: a batch written to some of its shards is counted there twice,
					// which only refuses sooner
					this.unwritten = List.copyOf(batches.subList(i, batches.size()));
					this.unwrittenAt = now;
					return false;
				}
				written += batch.total();
				this.fallback.wroteBack(batch);
			}
			return true;
		}
		finally {
			this.lastWritten = written;
			this.state.wroteBack(written);
		}
	}

	/** Requests written by the last run. */
	long lastWritten() {
		return this.lastWritten;
	}

	private static LocalAdmissions.Batch aged(LocalAdmissions.Batch batch, long elapsed) {
		long[] ages = batch.ages().clone();
		for (int i = 0; i < ages.length; i++) {
			ages[i] += elapsed;
		}
		return new LocalAdmissions.Batch(batch.tenantId(), batch.quota(), ages, batch.counts());
	}

}
