/**
 * The admin REST API: tenants, plans, quotas, API keys, usage, token exchange and the audit log.
 */
@NullMarked
package dev.tenantlimit.admin;

import org.jspecify.annotations.NullMarked;
