package dev.tenantlimit.admin;

import java.io.IOException;

import dev.tenantlimit.web.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/** The admin chain's 401 and 403 answers, as problem+json like the rest of TenantLimit. */
public class AdminSecurityProblems implements AuthenticationEntryPoint, AccessDeniedHandler {

	private final ProblemResponses problems;

	private final String challenge;

	private final @Nullable FailedAdminLogins failedLogins;

	/** @param challenge the {@code WWW-Authenticate} value of a 401 */
	public AdminSecurityProblems(ProblemResponses problems, String challenge) {
		this(problems, challenge, null);
	}

	/**
	 * @param challenge the {@code WWW-Authenticate} value of a 401
	 * @param failedLogins where refused credentials are counted, or {@code null}
	 */
	public AdminSecurityProblems(ProblemResponses problems, String challenge, @Nullable FailedAdminLogins failedLogins) {
		this.problems = problems;
		this.challenge = challenge;
		this.failedLogins = failedLogins;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException ex)
			throws IOException {
		if (this.failedLogins != null && request.getHeader("Authorization") != null) {
			this.failedLogins.failed(request.getRemoteAddr());
		}
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
