package dev.tenantlimit.annotation;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.tenantlimit.quota.Quota;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.util.ClassUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.handler.AbstractHandlerMethodMapping;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * The quotas handlers declare with {@link RateLimited @RateLimited}, read once when the
 * application has started, and found for a request through the application's handler mappings,
 * in the DispatcherServlet's order, as it will find the handler (Spring Security used to look up
 * handlers the same way, with the introspector Spring Framework 7 retires). An application without
 * the annotation pays nothing per request.
 */
public class HandlerQuotas implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(HandlerQuotas.class);

	private final ListableBeanFactory beans;

	private volatile List<HandlerMapping> mappings = List.of();

	private volatile Map<Method, List<Quota>> quotas = Map.of();

	public HandlerQuotas(ListableBeanFactory beans) {
		this.beans = beans;
	}

	/** Reads every handler's annotations; a bad value fails start-up, naming the handler. */
	@Override
	public void afterSingletonsInstantiated() {
		Map<Method, List<Quota>> found = new HashMap<>();
		for (AbstractHandlerMethodMapping<?> mapping : BeanFactoryUtils
			.beansOfTypeIncludingAncestors(this.beans, AbstractHandlerMethodMapping.class, true, false)
			.values()) {
			for (HandlerMethod handler : mapping.getHandlerMethods().values()) {
				List<Quota> declared = declared(handler);
				if (!declared.isEmpty()) {
					found.put(handler.getMethod(), declared);
				}
			}
		}
		if (found.isEmpty()) {
			return;
		}
		List<HandlerMapping> ordered = new ArrayList<>(
				BeanFactoryUtils.beansOfTypeIncludingAncestors(this.beans, HandlerMapping.class, true, false).values());
		AnnotationAwareOrderComparator.sort(ordered);
		this.mappings = List.copyOf(ordered);
		this.quotas = Map.copyOf(found);
		logger.info("@RateLimited quotas on " + found.size() + " handler(s)");
	}

	/** Whether any handler declares a quota. */
	public boolean isEmpty() {
		return this.quotas.isEmpty();
	}

	/**
	 * The quotas of the handler that will serve {@code request}; empty when it has none, or no
	 * handler serves it (the DispatcherServlet answers 404 or 405 itself).
	 */
	public List<Quota> forRequest(HttpServletRequest request) {
		Map<Method, List<Quota>> declared = this.quotas;
		if (declared.isEmpty()) {
			return List.of();
		}
		Object handler = handler(request);
		if (handler instanceof HandlerMethod method) {
			return declared.getOrDefault(method.getMethod(), List.of());
		}
		return List.of();
	}

	/** The handler the DispatcherServlet will pick, looked up without touching the request's attributes. */
	private @Nullable Object handler(HttpServletRequest request) {
		AttributesKeptApart lookup = new AttributesKeptApart(request);
		ServletRequestPathUtils.parseAndCache(lookup);
		for (HandlerMapping mapping : this.mappings) {
			try {
				HandlerExecutionChain chain = mapping.getHandler(lookup);
				if (chain != null) {
					return chain.getHandler();
				}
			}
			catch (Exception ex) {
				// no handler fits the method or media types: the DispatcherServlet will say so
				return null;
			}
		}
		return null;
	}

	private static List<Quota> declared(HandlerMethod handler) {
		Method method = handler.getMethod();
		Class<?> controller = ClassUtils.getUserClass(handler.getBeanType());
		String methodName = controller.getName() + '#' + method.getName() + '/' + method.getParameterCount();
		List<Quota> quotas = new ArrayList<>(quotas(method, methodName));
		quotas.addAll(quotas(controller, controller.getName()));
		return quotas;
	}

	/** The quotas declared on one method or class, all counted under its name. */
	private static List<Quota> quotas(AnnotatedElement element, String name) {
		SearchStrategy search = (element instanceof Class) ? SearchStrategy.TYPE_HIERARCHY : SearchStrategy.DIRECT;
		List<Quota> quotas = new ArrayList<>();
		MergedAnnotations.from(element, search).stream(RateLimited.class).map(MergedAnnotation::synthesize).forEach(
				(annotation) -> quotas.add(quota(annotation, name, quotas.size())));
		return quotas;
	}

	private static Quota quota(RateLimited annotation, String name, int index) {
		String where = "@RateLimited on " + name;
		Duration window;
		try {
			window = DurationStyle.detectAndParse(annotation.window());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRateLimitedException(where + ": window '" + annotation.window()
					+ "' is not a duration (10s, 1m, PT1H)", ex);
		}
		// two annotations of one element count apart, each under a counter of its own
		String handler = (index == 0) ? name : name + '~' + index;
		Quota quota;
		try {
			quota = Quota.forHandler(handler, annotation.limit(), window, annotation.cost());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRateLimitedException(where + ": " + ex.getMessage(), ex);
		}
		if (quota.cost() > quota.largestCost()) {
			throw new InvalidRateLimitedException(where + ": cost must be at most the limit, was " + quota.cost());
		}
		return quota;
	}

	/**
	 * The request as the handler mappings see it, its attributes written to a map of its own: a
	 * lookup stores the parsed path, the matching pattern and URI variables there, which the
	 * DispatcherServlet must find unset.
	 */
	private static final class AttributesKeptApart extends HttpServletRequestWrapper {

		private final Map<String, @Nullable Object> attributes = new HashMap<>();

		AttributesKeptApart(HttpServletRequest request) {
			super(request);
		}

		@Override
		public @Nullable Object getAttribute(String name) {
			return this.attributes.containsKey(name) ? this.attributes.get(name) : super.getAttribute(name);
		}

		@Override
		public Enumeration<String> getAttributeNames() {
			List<String> names = Collections.list(super.getAttributeNames());
			names.addAll(this.attributes.keySet());
			return Collections.enumeration(names);
		}

		@Override
		public void setAttribute(String name, @Nullable Object value) {
			this.attributes.put(name, value);
		}

		@Override
		public void removeAttribute(String name) {
			this.attributes.put(name, null);
		}

	}

}
