package dev.tenantlimit.web;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tenantlimit.limiter.QuotaUsage;
import dev.tenantlimit.limiter.RateLimitDecision;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Requests held instead of refused, for quotas with a {@code delay} (shaping): the request goes
 * asynchronous (servlet async, so no container thread waits), one timer thread decides it again
 * when its quotas should have room, and it is either admitted (an async dispatch serves it through
 * the filter chain again, counted once: by the decision that admitted it) or refused with 429 once
 * the delay would be passed. At most {@code maxWaiting} are held per instance.
 */
final class HeldRequests implements AutoCloseable {

	/** Request attribute of a held request that was admitted: its {@link Passage}, for the async dispatch. */
	static final String ADMITTED_ATTRIBUTE = HeldRequests.class.getName() + ".admitted";

	private static final Log logger = LogFactory.getLog(HeldRequests.class);

	/** Margin past the delay before the container's own async timeout steps in. */
	private static final Duration SAFETY = Duration.ofSeconds(5);

	private final ScheduledThreadPoolExecutor timer;

	private final int maxWaiting;

	private final AtomicInteger waiting = new AtomicInteger();

	HeldRequests(int maxWaiting) {
		this.maxWaiting = maxWaiting;
		this.timer = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "tenantlimit-shaping");
			thread.setDaemon(true);
			return thread;
		});
		this.timer.setRemoveOnCancelPolicy(true);
	}

	/**
	 * How long a refused request may wait: the shortest delay of the quotas that refused it, when
	 * every one has a delay and its retry comes within it; zero when it is refused at once.
	 */
	static Duration delayFor(RateLimitDecision decision) {
		Duration delay = null;
		for (QuotaUsage usage : decision.violated()) {
			Duration own = usage.quota().delay();
			delay = (delay == null || own.compareTo(delay) < 0) ? own : delay;
		}
		return (delay == null || decision.retryAfter().compareTo(delay) > 0) ? Duration.ZERO : delay;
	}

	/** Requests held now. */
	int waiting() {
		return this.waiting.get();
	}

	/**
	 * Hold {@code request}: {@code attempt} runs after {@code firstWait}, and again as long as it
	 * asks to, until {@code delay} from now is past (then its {@code last} is true).
	 * @return false when the request cannot be held (the cap is reached, or the container does
	 * not support async for it): refuse it now
	 */
	boolean hold(HttpServletRequest request, Duration firstWait, Duration delay, Attempt attempt) {
		if (!request.isAsyncSupported() || this.waiting.incrementAndGet() > this.maxWaiting) {
			if (request.isAsyncSupported()) {
				this.waiting.decrementAndGet();
			}
			return false;
		}
		long deadline = System.nanoTime() + delay.toNanos();
		AsyncContext async = request.startAsync();
		async.setTimeout(delay.plus(SAFETY).toMillis());
		Step step = new Step(async, deadline, attempt);
		async.addListener(step);
		step.schedule(firstWait);
		return true;
	}

	@Override
	public void close() {
		this.timer.shutdownNow();
	}

	/** One try of a held request. */
	@FunctionalInterface
	interface Attempt {

		/**
		 * Decide the request again: admit it ({@link AsyncContext#dispatch()}) or refuse it (write
		 * the answer, {@link AsyncContext#complete()}) and return {@code null}, or return how long
		 * to wait before the next try; with {@code last}, it must not ask for another.
		 */
		@Nullable Duration run(AsyncContext async, boolean last) throws IOException;

		/** The container gave up on the request (its async timeout, or the client went away). */
		default void abandoned() {
		}

	}

	private final class Step implements AsyncListener, Runnable {

		private final AsyncContext async;

		private final long deadline;

		private final Attempt attempt;

		private final AtomicInteger done = new AtomicInteger();

		Step(AsyncContext async, long deadline, Attempt attempt) {
			this.async = async;
			this.deadline = deadline;
			this.attempt = attempt;
		}

		void schedule(Duration wait) {
			long left = Math.max(0, this.deadline - System.nanoTime());
			HeldRequests.this.timer.schedule(this, Math.min(wait.toNanos(), left), TimeUnit.NANOSECONDS);
		}

		@Override
		public void run() {
			if (this.done.get() != 0) {
				return;
			}
			Duration next;
			try {
				next = this.attempt.run(this.async, System.nanoTime() - this.deadline >= 0);
			}
			catch (IOException | RuntimeException ex) {
				logger.debug("A held request failed", ex);
				next = null;
				finish();
				this.async.complete();
			}
			if (next == null) {
				finish();
			}
			else {
				schedule(next);
			}
		}

		private boolean finish() {
			boolean first = this.done.compareAndSet(0, 1);
			if (first) {
				HeldRequests.this.waiting.decrementAndGet();
			}
			return first;
		}

		@Override
		public void onTimeout(AsyncEvent event) {
			if (finish()) {
				this.attempt.abandoned();
				this.async.complete();
			}
		}

		@Override
		public void onError(AsyncEvent event) {
			if (finish()) {
				this.attempt.abandoned();
			}
		}

		@Override
		public void onComplete(AsyncEvent event) {
			finish();
		}

		@Override
		public void onStartAsync(AsyncEvent event) {
		}

	}

}
