package dev.tenantlimit.benchmarks.multiregion;

import java.util.PriorityQueue;

/**
 * The simulated world: a millisecond clock, regions a one-way delay apart, messages between them
 * delivered after that delay, and what was admitted when, for the measurements.
 */
final class World {

	final int regions;

	/** One-way delay between two different regions, in ms. */
	final int delay;

	final int limit;

	/** The global window, in ms. */
	final int window;

	final int duration;

	/** Admissions by the time the request went on (its use of the quota), per ms. */
	final int[] admitted;

	/** Requests that arrived, per ms. */
	final int[] offered;

	/** Admissions by the time their request arrived, per ms: what was offered when, admitted. */
	final int[] admittedByArrival;

	long requests;

	long crossRegionMessages;

	/** Added latency of each request, in ms (0 for most). */
	final LatencyHistogram latency = new LatencyHistogram();

	int now;

	String name = "";

	private final PriorityQueue<Message> messages = new PriorityQueue<>();

	private long sequence;

	World(int regions, int delay, int limit, int window, int duration) {
		this.regions = regions;
		this.delay = delay;
		this.limit = limit;
		this.window = window;
		this.duration = duration;
		this.admitted = new int[duration + 4 * delay + 1000];
		this.offered = new int[duration + 1];
		this.admittedByArrival = new int[duration + 1];
	}

	/** Deliver {@code action} in region {@code to} after the delay from {@code from}. */
	void send(int from, int to, Runnable action) {
		int at = this.now + oneWay(from, to);
		if (from != to) {
			this.crossRegionMessages++;
		}
		this.messages.add(new Message(at, this.sequence++, action));
	}

	/** The one-way delay: {@link #delay} between regions, 1 ms within one (a local Redis). */
	int oneWay(int from, int to) {
		return (from == to) ? 1 : this.delay;
	}

	/** Run every message due by now. */
	void deliver() {
		while (!this.messages.isEmpty() && this.messages.peek().at <= this.now) {
			this.messages.poll().action.run();
		}
	}

	/** A request goes on at {@code at} (now, or when a reply comes), {@code waited} ms late. */
	void admit(int at, int waited) {
		this.admitted[at]++;
		this.admittedByArrival[at - waited]++;
		this.latency.add(waited);
	}

	void refuse(int waited) {
		this.latency.add(waited);
	}

	private record Message(int at, long sequence, Runnable action) implements Comparable<Message> {

		@Override
		public int compareTo(Message other) {
			return (this.at != other.at) ? Integer.compare(this.at, other.at)
					: Long.compare(this.sequence, other.sequence);
		}

	}

	/** Latencies of whole milliseconds, for percentiles. */
	static final class LatencyHistogram {

		private final long[] counts = new long[2001];

		private long total;

		void add(int millis) {
			this.counts[Math.min(millis, this.counts.length - 1)]++;
			this.total++;
		}

		int percentile(double p) {
			long rank = (long) Math.ceil(p * this.total);
			long seen = 0;
			for (int i = 0; i < this.counts.length; i++) {
				seen += this.counts[i];
				if (seen >= rank) {
					return i;
				}
			}
			return this.counts.length - 1;
		}

	}

}
