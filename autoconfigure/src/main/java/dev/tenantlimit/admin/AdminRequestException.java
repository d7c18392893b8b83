package dev.tenantlimit.admin;

import java.util.List;

import org.springframework.http.HttpStatus;

/** An admin request that cannot be carried out as asked; nothing was changed. */
public class AdminRequestException extends RuntimeException {

	private final HttpStatus status;

	private final String type;

	private final List<String> errors;

	AdminRequestException(HttpStatus status, String type, String detail, List<String> errors) {
		super(detail, null, false, false);
		this.status = status;
		this.type = type;
		this.errors = List.copyOf(errors);
	}

	static AdminRequestException invalid(List<String> errors) {
		return new AdminRequestException(HttpStatus.BAD_REQUEST, "invalid-request", "The request is invalid", errors);
	}

	static AdminRequestException invalid(String error) {
		return invalid(List.of(error));
	}

	static AdminRequestException notFound(String what) {
		return new AdminRequestException(HttpStatus.NOT_FOUND, "not-found", what + " does not exist", List.of());
	}

	static AdminRequestException unauthorized(String detail) {
		return new AdminRequestException(HttpStatus.UNAUTHORIZED, "unauthenticated", detail, List.of());
	}

	static AdminRequestException conflict(String what) {
		return new AdminRequestException(HttpStatus.CONFLICT, "conflict", what + " already exists", List.of());
	}

	public HttpStatus getStatus() {
		return this.status;
	}

	/** Last segment of the problem type URI. */
	public String getType() {
		return this.type;
	}

	/** What is wrong, one entry per problem found; empty when the detail says it all. */
	public List<String> getErrors() {
		return this.errors;
	}

}
