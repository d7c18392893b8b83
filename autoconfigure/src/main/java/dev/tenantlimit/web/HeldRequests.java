package dev.tenantlimit.web;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tenantlimit.limiter.QuotaUsage;
import dev.tenantlimit.limiter.RateLimitDecision;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Requests held instead of refused, for quotas with a {@code delay} (shaping): the request goes
 * asynchronous at the end of the filter chain ({@link HeldRequestsFilter}, so the application's
 * filters have run as for any request), no container thread waits, one timer thread decides it
 * again when its quotas should have room, and it is either admitted (an async dispatch serves it,
 * counted once: by the decision that admitted it) or refused with 429 once the delay would be
 * passed. At most {@code maxWaiting} are held per instance, and {@code maxWaitingPerTenant} per
 * tenant, so one tenant's burst cannot take every place.
 */
final class HeldRequests implements AutoCloseable {

	/** Request attribute of a held request that was admitted: its {@link Admitted}, for the async dispatch. */
	static final String ADMITTED_ATTRIBUTE = HeldRequests.class.getName() + ".admitted";

	/** Request attribute of a request to hold where the filter chain ends: its {@link Pending} hold. */
	static final String PENDING_ATTRIBUTE = HeldRequests.class.getName() + ".pending";

	private static final Log logger = LogFactory.getLog(HeldRequests.class);

	/**
	 * Shortest wait between two tries of a held request: a Retry-After of zero (or one rounded
	 * down) must not have the timer ask Redis in a loop.
	 */
	private static final long MIN_WAIT_NANOS = Duration.ofMillis(10).toNanos();

	/** Margin past the delay before the container's own async timeout steps in. */
	private static final Duration SAFETY = Duration.ofSeconds(5);

	private final ScheduledThreadPoolExecutor timer;

	private final int maxWaiting;

	private final int maxWaitingPerTenant;

	private final AtomicInteger waiting = new AtomicInteger();

	private final ConcurrentHashMap<String, AtomicInteger> waitingPerTenant = new ConcurrentHashMap<>();

	HeldRequests(int maxWaiting, int maxWaitingPerTenant) {
		this.maxWaiting = maxWaiting;
		this.maxWaitingPerTenant = maxWaitingPerTenant;
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
	 * @return false when the request cannot be held (a cap is reached, or the container does not
	 * support async for it): refuse it now
	 */
	boolean hold(HttpServletRequest request, HttpServletResponse response, String tenantId, Duration firstWait,
			Duration delay, Attempt attempt) {
		if (!request.isAsyncSupported() || !enter(tenantId)) {
			return false;
		}
		long deadline = System.nanoTime() + delay.toNanos();
		AsyncContext async;
		try {
			// after a forward, with the forwarded request: its admission is dispatched to the forward's
			// target, not to the path the client sent (which only the forwarding filter maps)
			async = (request.getDispatcherType() == DispatcherType.FORWARD) ? request.startAsync(request, response)
					: request.startAsync();
		}
		catch (IllegalStateException ex) {
			leave(tenantId);
			return false;
		}
		async.setTimeout(delay.plus(SAFETY).toMillis());
		Step step = new Step(async, tenantId, deadline, attempt);
		async.addListener(step);
		step.schedule(firstWait);
		return true;
	}

	private boolean enter(String tenantId) {
		if (this.waiting.incrementAndGet() > this.maxWaiting) {
			this.waiting.decrementAndGet();
			return false;
		}
		AtomicInteger own = this.waitingPerTenant.compute(tenantId, (id, count) -> {
			AtomicInteger counted = (count != null) ? count : new AtomicInteger();
			counted.incrementAndGet();
			return counted;
		});
		if (own.get() > this.maxWaitingPerTenant) {
			leave(tenantId);
			return false;
		}
		return true;
	}

	private void leave(String tenantId) {
		this.waiting.decrementAndGet();
		// removed at zero, so the map holds only tenants with requests held now
		this.waitingPerTenant.computeIfPresent(tenantId, (id, count) -> (count.decrementAndGet() <= 0) ? null : count);
	}

	@Override
	public void close() {
		this.timer.shutdownNow();
	}

	/**
	 * A request the filter decided to hold, held where the filter chain ends.
	 * @param tenantId whose places it takes
	 * @param firstWait when to decide it again first
	 * @param delay how long it may be held
	 * @param attempt decides it again
	 * @param refused the decision that refused it, answered if it cannot be held
	 */
	record Pending(String tenantId, Duration firstWait, Duration delay, HeldRetry attempt, RateLimitDecision refused) {

	}

	/**
	 * A held request the timer admitted, served by the async dispatch, which writes the headers
	 * of the decision on the container's thread (the timer's try may come while the request
	 * dispatch is still unwinding the application's filters).
	 */
	record Admitted(Passage passage, RateLimitDecision decision) {

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

	}

	/**
	 * The tries of one held request. The timer's try and the container's timeout or error are
	 * serialized, so a request is answered once: admitted, refused or abandoned.
	 */
	private final class Step implements AsyncListener, Runnable {

		private final AsyncContext async;

		private final String tenantId;

		private final long deadline;

		private final Attempt attempt;

		private boolean done;

		Step(AsyncContext async, String tenantId, long deadline, Attempt attempt) {
			this.async = async;
			this.tenantId = tenantId;
			this.deadline = deadline;
			this.attempt = attempt;
		}

		void schedule(Duration wait) {
			long left = Math.max(0, this.deadline - System.nanoTime());
			long nanos = (wait.compareTo(Duration.ofDays(1)) > 0) ? left : Math.max(MIN_WAIT_NANOS, wait.toNanos());
			HeldRequests.this.timer.schedule(this, Math.min(nanos, left), TimeUnit.NANOSECONDS);
		}

		@Override
		public synchronized void run() {
			if (this.done) {
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
				complete();
			}
			if (next == null) {
				finish();
			}
			else {
				schedule(next);
			}
		}

		private boolean finish() {
			if (this.done) {
				return false;
			}
			this.done = true;
			leave(this.tenantId);
			return true;
		}

		private void complete() {
			try {
				this.async.complete();
			}
			catch (IllegalStateException ex) {
				// already completed by the container
			}
		}

		@Override
		public synchronized void onTimeout(AsyncEvent event) {
			if (finish()) {
				complete();
			}
		}

		@Override
		public synchronized void onError(AsyncEvent event) {
			finish();
		}

		@Override
		public synchronized void onComplete(AsyncEvent event) {
			finish();
		}

		@Override
		public void onStartAsync(AsyncEvent event) {
		}

	}

}
