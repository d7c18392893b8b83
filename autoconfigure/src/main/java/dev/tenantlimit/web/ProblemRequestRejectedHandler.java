package dev.tenantlimit.web;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * What Spring Security's firewall refuses ({@code //}, {@code ;} parameters, encoded dots, control
 * characters in headers) is answered 400 problem+json like every other refusal, instead of Spring
 * Security's bare 400 that the container's error page then renders.
 */
public class ProblemRequestRejectedHandler implements RequestRejectedHandler {

	private final ProblemResponses problems;

	public ProblemRequestRejectedHandler(ProblemResponses problems) {
		this.problems = problems;
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response,
			RequestRejectedException requestRejectedException) throws IOException {
		this.problems.write(request, response, HttpStatus.BAD_REQUEST, "malformed-request",
				"The request was rejected: its path or a header holds what is not allowed");
	}

}
