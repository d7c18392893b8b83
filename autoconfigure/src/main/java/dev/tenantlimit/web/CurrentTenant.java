package dev.tenantlimit.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a controller method parameter to the request's tenant: a {@code String} receives the
 * tenant id, a {@link dev.tenantlimit.tenant.Tenant} the whole tenant. The parameter is
 * {@code null} when the request was not attributed to a tenant (an excluded path, or anonymous
 * access).
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface CurrentTenant {

}
