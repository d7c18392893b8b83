package dev.tenantlimit.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A quota of the handlers it is declared on, counted for each tenant (for each client address of
 * an anonymous caller) on top of the tenant's own quotas and decided in the same Redis call: all
 * or nothing, with the same headers, 429 answers, leases and fallback.
 *
 * <p>On a handler method it counts the requests that method handles; on a controller class, the
 * requests of all its handlers together. It may be repeated (10 a second and 100 a minute) and
 * used as a meta-annotation:
 *
 * <pre class="code">
 * &#64;Retention(RetentionPolicy.RUNTIME)
 * &#64;RateLimited(limit = 10, window = "1m")
 * public &#64;interface ExpensiveCall {
 * }
 * </pre>
 *
 * Each method or class the meta-annotation is put on has a counter of its own. Values are checked
 * when the application starts.
 */
@Target({ ElementType.METHOD, ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(RateLimited.List.class)
public @interface RateLimited {

	/** Units admitted per window (requests, unless each costs more), at least 1. */
	long limit();

	/** Length of the sliding window as in the configuration: {@code 10s}, {@code 1m}, {@code PT1H}; at least 1 s. */
	String window();

	/** Units one request uses, from 1 to the limit. */
	long cost() default 1;

	/** Several {@code @RateLimited} on one element. */
	@Target({ ElementType.METHOD, ElementType.TYPE, ElementType.ANNOTATION_TYPE })
	@Retention(RetentionPolicy.RUNTIME)
	@Documented
	@interface List {

		RateLimited[] value();

	}

}
