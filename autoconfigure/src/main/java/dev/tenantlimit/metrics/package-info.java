/**
 * Micrometer meters of TenantLimit.
 */
@NullMarked
package dev.tenantlimit.metrics;

import org.jspecify.annotations.NullMarked;
