package dev.tenantlimit.admin;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * Failed admin sign-ins (wrong password, bad admin token) per client address, in fixed windows
 * from the first failure: past {@code maxFailures} in one window, the address is refused with 429
 * until the window ends, its password not even checked. A successful admin sign-in clears it.
 * Every attempt counts as a failure from the moment it starts until it ends otherwise, so a burst
 * of parallel guesses gets no more tries than one guess after the other. Memory is bounded: at
 * most {@value #MAX_ADDRESSES} addresses are remembered.
 */
public class FailedAdminLogins {

	static final int MAX_ADDRESSES = 10_000;

	private final int maxFailures;

	private final Duration window;

	private final Ticker ticker;

	private final Cache<String, Failures> failures;

	public FailedAdminLogins(int maxFailures, Duration window) {
		this(maxFailures, window, Ticker.systemTicker());
	}

	FailedAdminLogins(int maxFailures, Duration window, Ticker ticker) {
		this.maxFailures = maxFailures;
		this.window = window;
		this.ticker = ticker;
		this.failures = Caffeine.newBuilder()
			.maximumSize(MAX_ADDRESSES)
			.ticker(ticker)
			.expireAfter(Expiry.<String, Failures>creating((address, failures) -> window))
			.build();
	}

	/**
	 * An attempt with credentials from this address starts, counted as a failure until it ends.
	 * @return {@code false} when the address has no tries left in this window
	 */
	public boolean tryBegin(String address) {
		AtomicInteger count = this.failures.get(address, (key) -> new Failures(this.ticker.read())).count;
		while (true) {
			int tries = count.get();
			if (tries >= this.maxFailures) {
				return false;
			}
			if (count.compareAndSet(tries, tries + 1)) {
				return true;
			}
		}
	}

	/**
	 * The attempt ended.
	 * @param refused whether its credentials were refused (it stays a failure)
	 * @param signedIn whether it signed in (the address starts afresh)
	 */
	public void ended(String address, boolean refused, boolean signedIn) {
		if (signedIn) {
			this.failures.invalidate(address);
		}
		else if (!refused) {
			// neither: e.g. signed in without the admin role (403); not a guess at a password
			Failures recorded = this.failures.getIfPresent(address);
			if (recorded != null) {
				recorded.count.updateAndGet((tries) -> Math.max(0, tries - 1));
			}
		}
	}

	/** Seconds until this address may try again; 0 when it may now. */
	public long retryAfterSeconds(String address) {
		Failures recorded = this.failures.getIfPresent(address);
		if (recorded == null || recorded.count.get() < this.maxFailures) {
			return 0;
		}
		long left = this.window.toNanos() - (this.ticker.read() - recorded.since);
		return Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
	}

	private static final class Failures {

		final long since;

		final AtomicInteger count = new AtomicInteger();

		Failures(long since) {
			this.since = since;
		}

	}

}
