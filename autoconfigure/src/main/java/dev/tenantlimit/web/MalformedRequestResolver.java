package dev.tenantlimit.web;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * A multipart body that cannot be parsed is the client's fault: 400 problem+json, and one debug
 * line instead of a 500 with a 130-line stack trace. Spring MVC parses multipart bodies before it
 * even picks a handler, so no controller advice sees this; a too large upload stays Spring's 413.
 */
public class MalformedRequestResolver implements HandlerExceptionResolver, Ordered {

	private static final Log logger = LogFactory.getLog(MalformedRequestResolver.class);

	private final ProblemResponses problems;

	public MalformedRequestResolver(ProblemResponses problems) {
		this.problems = problems;
	}

	@Override
	public @Nullable ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
			@Nullable Object handler, Exception ex) {
		if (!(ex instanceof MultipartException) || ex instanceof MaxUploadSizeExceededException
				|| response.isCommitted()) {
			return null;
		}
		logger.debug("Refused a malformed multipart body: " + org.springframework.core.NestedExceptionUtils.getMostSpecificCause(ex));
		try {
			this.problems.write(request, response, HttpStatus.BAD_REQUEST, "malformed-request",
					"The multipart body cannot be parsed");
		}
		catch (IOException io) {
			logger.debug("Could not answer a malformed multipart body", io);
		}
		return new ModelAndView();
	}

	@Override
	public int getOrder() {
		// before Spring MVC's own resolvers, which leave it to the container as a 500
		return Ordered.HIGHEST_PRECEDENCE + 10;
	}

}
