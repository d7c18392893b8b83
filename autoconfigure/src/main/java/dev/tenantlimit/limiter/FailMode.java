package dev.tenantlimit.limiter;

/** What to do with a request when the shared limiter cannot be reached. */
public enum FailMode {

	/** Decide with an in-memory limiter on each instance. */
	LOCAL,

	/** Admit the request. */
	OPEN,

	/** Refuse the request with 503. */
	CLOSED

}
