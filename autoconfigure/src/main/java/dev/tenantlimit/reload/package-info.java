/**
 * Live configuration: the configuration files outside the application read again when they
 * change, and the settings that can change without a restart applied.
 */
@NullMarked
package dev.tenantlimit.reload;

import org.jspecify.annotations.NullMarked;
