/**
 * Actuator support: the limiter's health and the {@code tenantlimit} endpoint.
 */
@NullMarked
package dev.tenantlimit.actuate;

import org.jspecify.annotations.NullMarked;
