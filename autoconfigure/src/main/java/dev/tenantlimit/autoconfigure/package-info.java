/**
 * Spring Boot auto-configuration for TenantLimit.
 */
@NullMarked
package dev.tenantlimit.autoconfigure;

import org.jspecify.annotations.NullMarked;
