package dev.tenantlimit.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The error page is where the container forwards a failed request, not a resource: requested
 * directly ({@code GET /error}), Spring Boot's error controller finds no error and answers 500 with
 * status 999. This answers such a request 404 problem+json; error dispatches pass untouched.
 */
public class ErrorPathFilter extends OncePerRequestFilter {

	private final ProblemResponses problems;

	public ErrorPathFilter(ProblemResponses problems) {
		this.problems = problems;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws IOException {
		this.problems.write(request, response, HttpStatus.NOT_FOUND, "not-found", "There is nothing at this path");
	}

}
