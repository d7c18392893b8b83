/**
 * Quotas: how many requests a tenant may make in a window, and which requests they cover.
 */
@NullMarked
package dev.tenantlimit.quota;

import org.jspecify.annotations.NullMarked;
