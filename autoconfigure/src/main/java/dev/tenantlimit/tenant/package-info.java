/**
 * Tenants, their status and quotas, and the store they are read from.
 */
@NullMarked
package dev.tenantlimit.tenant;

import org.jspecify.annotations.NullMarked;
