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
 * Memory is bounded: at most {@value #MAX_ADDRESSES} addresses are remembered.
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

	/** One more failure of this address. */
	public void failed(String address) {
		this.failures.get(address, (key) -> new Failures(this.ticker.read())).count.incrementAndGet();
	}

	/** This address signed in as an admin. */
	public void succeeded(String address) {
		this.failures.invalidate(address);
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
