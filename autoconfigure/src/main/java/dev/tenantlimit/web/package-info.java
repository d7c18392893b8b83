/**
 * The servlet filter that enforces quotas, and how controllers see the tenant.
 */
@NullMarked
package dev.tenantlimit.web;

import org.jspecify.annotations.NullMarked;
