package dev.tenantlimit.limiter;

/** Leases on a tenant's requests in flight, shared by every instance. */
public interface ConcurrencyLeases {

	/**
	 * Take a lease if fewer than {@code cap} are held.
	 * @param tenantId the tenant
	 * @param kind {@code read} or {@code mutating}
	 * @param leaseId unique to the request
	 * @param cap leases held at once at most
	 * @return whether the lease was taken
	 * @throws RateLimiterUnavailableException when the leases cannot be reached
	 */
	boolean tryAcquire(String tenantId, String kind, String leaseId, int cap);

	/** Give a lease back; never throws (an unreturned lease expires by itself). */
	void release(String tenantId, String kind, String leaseId);

}
