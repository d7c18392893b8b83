/**
 * The shared tenant database, read and written with Spring's JdbcClient.
 */
@NullMarked
package dev.tenantlimit.jdbc;

import org.jspecify.annotations.NullMarked;
