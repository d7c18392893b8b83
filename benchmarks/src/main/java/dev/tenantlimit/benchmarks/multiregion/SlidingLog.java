package dev.tenantlimit.benchmarks.multiregion;

import java.util.ArrayDeque;

/** Exact count of entries in the last window, entries in time order (ms). */
final class SlidingLog {

	private final int window;

	private final ArrayDeque<Integer> entries = new ArrayDeque<>();

	SlidingLog(int window) {
		this.window = window;
	}

	int count(int now) {
		while (!this.entries.isEmpty() && this.entries.peekFirst() <= now - this.window) {
			this.entries.pollFirst();
		}
		return this.entries.size();
	}

	/** When one more fits, with {@code limit}: the entry that must leave first, plus the window. */
	int retryAt(int now, int limit) {
		int count = count(now);
		if (count < limit) {
			return now;
		}
		int index = count - limit;
		int i = 0;
		for (int entry : this.entries) {
			if (i++ == index) {
				return entry + this.window;
			}
		}
		return now + this.window;
	}

	void add(int at) {
		this.entries.addLast(at);
	}

}
