/**
 * Resolving the tenant of a request: JWT, API key or an existing Authentication.
 */
@NullMarked
package dev.tenantlimit.security;

import org.jspecify.annotations.NullMarked;
