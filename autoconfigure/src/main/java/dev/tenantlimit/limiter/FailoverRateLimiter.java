package dev.tenantlimit.limiter;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import dev.tenantlimit.quota.Quota;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Decides with the shared limiter while it is reachable and applies the {@link FailMode} while it
 * is not. Slow is not down: the instance holds the shared limiter for unreachable only when its
 * connection is refused or lost, when a decision got no reply while nothing at all came back for
 * the whole timeout, or when failures (errors, late replies) make up half of the decisions over
 * {@code failureWindow} (a Resilience4j time-based window). From then on no request waits for it:
 * every request is decided by the fallback at once, and a background probe asks the shared
 * limiter every {@code retryInterval} whether it answers again. When it does, what was admitted
 * meanwhile is written back into the shared counters, and only then do decisions go back to it.
 *
 * <p>A single late reply, while others keep coming, is decided by the fallback too (the shared
 * limiter drops a call that arrives after the instance gave up on it, so it is never counted
 * twice), and written back a moment later.
 */
public class FailoverRateLimiter implements RateLimiter, AutoCloseable {

	private static final Log logger = LogFactory.getLog(FailoverRateLimiter.class);

	/** How soon admissions of a late reply are written back while the shared limiter is up. */
	private static final long FLUSH_DELAY_MILLIS = 100;

	private final SharedRateLimiter shared;

	private final LocalFallback fallback;

	private final FallbackState state;

	private final WriteBack writeBack;

	private final Duration retryInterval;

	private final CircuitBreaker circuitBreaker;

	private final LongSupplier nanoTime;

	private final ScheduledThreadPoolExecutor background;

	private final AtomicBoolean flushScheduled = new AtomicBoolean();

	private final AtomicBoolean probeScheduled = new AtomicBoolean();

	/** When a reply of the shared limiter was last received (nanoTime). */
	private volatile long lastReply;

	private volatile long downSince;

	/**
	 * @param shared the limiter shared by every instance
	 * @param fallback the decisions of {@code LOCAL}
	 * @param state the fail mode, the instance count, and where this limiter reports what it does
	 * @param retryInterval time between two probes of an unreachable shared limiter
	 * @param failureWindow time over which failed decisions are counted
	 */
	public FailoverRateLimiter(RateLimiter shared, LocalFallback fallback, FallbackState state, Duration retryInterval,
			Duration failureWindow) {
		this(SharedRateLimiter.of(shared), fallback, state, retryInterval, failureWindow, System::nanoTime);
	}

	FailoverRateLimiter(SharedRateLimiter shared, LocalFallback fallback, FallbackState state, Duration retryInterval,
			Duration failureWindow, LongSupplier nanoTime) {
		this.shared = shared;
		this.fallback = fallback;
		this.state = state;
		this.writeBack = new WriteBack(shared, fallback, state);
		this.retryInterval = retryInterval;
		this.nanoTime = nanoTime;
		this.lastReply = nanoTime.getAsLong() - 1;
		this.circuitBreaker = CircuitBreaker.of("tenantlimit-redis", CircuitBreakerConfig.custom()
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
			.slidingWindowSize((int) Math.max(1, failureWindow.toSeconds()))
			.minimumNumberOfCalls(5)
			.failureRateThreshold(50)
			.recordExceptions(RateLimiterUnavailableException.class)
			.build());
		this.background = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "tenantlimit-recovery");
			thread.setDaemon(true);
			return thread;
		});
	}

	@Override
	public RateLimitDecision tryAcquire(String tenantId, List<Quota> quotas) {
		if (this.circuitBreaker.getState() != CircuitBreaker.State.CLOSED) {
			return fallback(tenantId, quotas, null);
		}
		long sent = this.nanoTime.getAsLong();
		RateLimitDecision decision;
		try {
			decision = this.shared.tryAcquire(tenantId, quotas);
		}
		catch (RateLimiterUnavailableException ex) {
			failed(ex, sent);
			return fallback(tenantId, quotas, ex);
		}
		long received = this.nanoTime.getAsLong();
		if (this.shared.lastAnsweredFromMemory()) {
			// no reply of Redis: neither a sign of life nor a success to record (and no lock taken)
			this.fallback.remember(tenantId, decision, received);
			return decision;
		}
		this.lastReply = received;
		this.circuitBreaker.onSuccess(received - sent, TimeUnit.NANOSECONDS);
		this.fallback.remember(tenantId, decision, received);
		return decision;
	}

	/** The breaker's state: CLOSED while the shared limiter decides, OPEN or FORCED_OPEN while it is skipped. */
	public CircuitBreaker.State circuitState() {
		return this.circuitBreaker.getState();
	}

	/** Stop the background work; what a late reply admitted is written back now if Redis is up. */
	@Override
	public void close() {
		this.background.shutdownNow();
		try {
			// the write-back is the background thread's alone until it has stopped
			if (this.background.awaitTermination(1, TimeUnit.SECONDS)
					&& this.circuitBreaker.getState() == CircuitBreaker.State.CLOSED && this.fallback.hasPending()) {
				this.writeBack.run(this.nanoTime.getAsLong());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (this.shared instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				logger.debug("Could not close the shared limiter", ex);
			}
		}
	}

	private void failed(RateLimiterUnavailableException ex, long sent) {
		boolean unanswered = ex.reason() == RateLimiterUnavailableException.Reason.LATE && this.lastReply - sent < 0;
		if (ex.reason() == RateLimiterUnavailableException.Reason.UNREACHABLE || unanswered) {
			down(unanswered ? ex.getMessage() + ", and nothing else came back meanwhile" : ex.getMessage());
			return;
		}
		this.circuitBreaker.onError(this.nanoTime.getAsLong() - sent, TimeUnit.NANOSECONDS, ex);
		if (this.circuitBreaker.getState() != CircuitBreaker.State.CLOSED) {
			down("half of the decisions failed, the last one: " + ex.getMessage());
		}
	}

	/** Hold the shared limiter for unreachable: one warning, and a probe is on its way. */
	private void down(String why) {
		this.circuitBreaker.transitionToForcedOpenState();
		if (this.state.enter()) {
			this.downSince = this.nanoTime.getAsLong();
			logger.warn("Shared rate limiter unreachable (" + why + "); fail mode " + this.state.mode()
					+ " until it answers again, probed every " + this.retryInterval.toMillis() + " ms");
		}
		if (this.probeScheduled.compareAndSet(false, true)
				&& !schedule(this::probe, this.retryInterval.toMillis())) {
			this.probeScheduled.set(false);
		}
	}

	/**
	 * In the background: back to shared decisions once it answers and holds what was admitted
	 * here. The probe is marked done before the breaker closes, so a failure right after starts
	 * the next one.
	 */
	private void probe() {
		if (this.shared.reachable() && this.writeBack.run(this.nanoTime.getAsLong())) {
			this.fallback.startAfresh();
			this.probeScheduled.set(false);
			boolean wasDown = this.state.leave();
			this.circuitBreaker.transitionToClosedState();
			if (wasDown) {
				logger.info("Shared rate limiter available again after "
						+ Duration.ofNanos(this.nanoTime.getAsLong() - this.downSince).toMillis() + " ms; "
						+ this.writeBack.lastWritten() + " requests admitted meanwhile written back");
			}
			// requests that were deciding locally while the breaker closed
			flushSoon();
			return;
		}
		schedule(this::probe, this.retryInterval.toMillis());
	}

	private RateLimitDecision fallback(String tenantId, List<Quota> quotas, @Nullable RateLimiterUnavailableException ex) {
		return switch (this.state.mode()) {
			case LOCAL -> {
				this.state.decidedLocally();
				RateLimitDecision decision = this.fallback.tryAcquire(tenantId, quotas);
				if (this.circuitBreaker.getState() == CircuitBreaker.State.CLOSED) {
					flushSoon();
				}
				yield decision;
			}
			case OPEN -> {
				this.state.decidedLocally();
				yield new RateLimitDecision(true, List.of(), Duration.ZERO, true);
			}
			case CLOSED -> throw (ex != null) ? ex
					: new RateLimiterUnavailableException(RateLimiterUnavailableException.Reason.UNREACHABLE,
							"Shared rate limiter unreachable", null);
		};
	}

	/** Write back soon what a late reply admitted while the shared limiter is up. */
	private void flushSoon() {
		if (this.flushScheduled.compareAndSet(false, true) && !schedule(() -> {
			this.flushScheduled.set(false);
			if (this.circuitBreaker.getState() == CircuitBreaker.State.CLOSED
					&& !this.writeBack.run(this.nanoTime.getAsLong())) {
				flushSoon();
			}
		}, FLUSH_DELAY_MILLIS)) {
			this.flushScheduled.set(false);
		}
	}

	/** @return false when the limiter is closed and nothing runs any more */
	private boolean schedule(Runnable task, long delayMillis) {
		try {
			this.background.schedule(() -> {
				try {
					task.run();
				}
				catch (RuntimeException ex) {
					logger.debug("Recovery step failed; tried again later", ex);
					schedule(task, this.retryInterval.toMillis());
				}
			}, delayMillis, TimeUnit.MILLISECONDS);
			return true;
		}
		catch (RejectedExecutionException ex) {
			return false;
		}
	}

}
