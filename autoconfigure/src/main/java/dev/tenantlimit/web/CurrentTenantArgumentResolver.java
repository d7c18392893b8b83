package dev.tenantlimit.web;

import dev.tenantlimit.tenant.Tenant;
import org.jspecify.annotations.Nullable;

import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/** Resolves {@link CurrentTenant} parameters from the request attribute the filter sets. */
public class CurrentTenantArgumentResolver implements HandlerMethodArgumentResolver {

	@Override
	public boolean supportsParameter(MethodParameter parameter) {
		Class<?> type = parameter.getParameterType();
		return parameter.hasParameterAnnotation(CurrentTenant.class)
				&& (type == String.class || type == Tenant.class);
	}

	@Override
	public @Nullable Object resolveArgument(MethodParameter parameter, @Nullable ModelAndViewContainer mavContainer,
			NativeWebRequest webRequest, @Nullable WebDataBinderFactory binderFactory) {
		Object tenant = webRequest.getAttribute(TenantContext.REQUEST_ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
		if (!(tenant instanceof Tenant resolved)) {
			return null;
		}
		return (parameter.getParameterType() == String.class) ? resolved.id() : resolved;
	}

}
