/**
 * Sliding-window rate limiting in Redis: one Lua script per decision.
 */
@NullMarked
package dev.tenantlimit.redis;

import org.jspecify.annotations.NullMarked;
