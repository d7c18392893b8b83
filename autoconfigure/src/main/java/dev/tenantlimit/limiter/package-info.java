/**
 * The rate limiter SPI and its decisions; plain Java, no Spring.
 */
@NullMarked
package dev.tenantlimit.limiter;

import org.jspecify.annotations.NullMarked;
