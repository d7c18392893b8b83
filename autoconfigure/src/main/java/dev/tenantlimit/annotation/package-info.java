/**
 * {@link dev.tenantlimit.annotation.RateLimited @RateLimited}: quotas declared on controller
 * handlers, decided with the tenant's own quotas.
 */
@NullMarked
package dev.tenantlimit.annotation;

import org.jspecify.annotations.NullMarked;
