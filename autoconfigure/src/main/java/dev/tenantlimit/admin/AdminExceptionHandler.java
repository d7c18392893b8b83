package dev.tenantlimit.admin;

import java.net.URI;

import dev.tenantlimit.limiter.RateLimiterUnavailableException;
import dev.tenantlimit.security.InvalidCredentialsException;
import dev.tenantlimit.web.ProblemResponses;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every error of the admin controllers into {@code application/problem+json}: request
 * errors with the list of what is wrong, and Spring MVC's own (unreadable JSON, wrong parameter
 * types, unsupported methods) through {@link ResponseEntityExceptionHandler}.
 */
@RestControllerAdvice(assignableTypes = { TenantAdminController.class, PlanAdminController.class,
		TokenExchangeController.class })
public class AdminExceptionHandler extends ResponseEntityExceptionHandler {

	@ExceptionHandler
	ResponseEntity<ProblemDetail> adminRequest(AdminRequestException ex) {
		ProblemDetail problem = problem(ex.getStatus(), ex.getType(), ex.getMessage());
		if (!ex.getErrors().isEmpty()) {
			problem.setProperty("errors", ex.getErrors());
		}
		return answer(problem, HttpHeaders.EMPTY);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> invalidCredentials(InvalidCredentialsException ex) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.WWW_AUTHENTICATE, ex.getChallenge());
		return answer(problem(HttpStatus.UNAUTHORIZED, "unauthenticated", ex.getMessage()), headers);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> duplicate(DuplicateKeyException ex) {
		return answer(problem(HttpStatus.CONFLICT, "conflict", "It already exists"), HttpHeaders.EMPTY);
	}

	/** Whatever the validation let through that the database refuses: never a 500. */
	@ExceptionHandler
	ResponseEntity<ProblemDetail> constraint(DataIntegrityViolationException ex) {
		return answer(problem(HttpStatus.BAD_REQUEST, "invalid-request",
				"The request does not fit what the database stores"), HttpHeaders.EMPTY);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> redisUnavailable(RateLimiterUnavailableException ex) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, "1");
		return answer(problem(HttpStatus.SERVICE_UNAVAILABLE, "limiter-unavailable",
				"Redis is unavailable; try again later"), headers);
	}

	private static ProblemDetail problem(HttpStatus status, String type, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create(ProblemResponses.TYPE_BASE + type));
		return problem;
	}

	private static ResponseEntity<ProblemDetail> answer(ProblemDetail problem, HttpHeaders headers) {
		return ResponseEntity.status(problem.getStatus())
			.headers(headers)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(problem);
	}

}
