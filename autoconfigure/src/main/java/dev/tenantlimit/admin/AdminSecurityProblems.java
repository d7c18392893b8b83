package dev.tenantlimit.admin;

import java.io.IOException;

import dev.tenantlimit.web.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/** The admin chain's 401 and 403 answers, as problem+json like the rest of TenantLimit. */
public class AdminSecurityProblems implements AuthenticationEntryPoint, AccessDeniedHandler {

	private final ProblemResponses problems;

	private final String challenge;

	/** @param challenge the {@code WWW-Authenticate} value of a 401 */
	public AdminSecurityProblems(ProblemResponses problems, String challenge) {
		this.problems = problems;
		this.challenge = challenge;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException ex)
			throws IOException {
		response.setHeader("WWW-Authenticate", this.challenge);
		this.problems.write(request, response, HttpStatus.UNAUTHORIZED, "unauthenticated",
				"Admin credentials are required");
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException ex)
			throws IOException {
		this.problems.write(request, response, HttpStatus.FORBIDDEN, "forbidden", "The admin role is required");
	}

}
