/**
 * Leases: a hot tenant's permits reserved from Redis in batches and admitted from memory, each
 * counted in Redis before it is used.
 */
@NullMarked
package dev.tenantlimit.lease;

import org.jspecify.annotations.NullMarked;
