package dev.tenantlimit.web;

import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tenantlimit.limiter.QuotaUsage;
import dev.tenantlimit.limiter.RateLimitDecision;
import dev.tenantlimit.quota.Quota;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * Writes the filter's refusals as {@code application/problem+json} (RFC 9457). Details are fixed
 * texts and values the client already knows: never a stack trace, a key or a secret.
 */
public class ProblemResponses {

	/** Base of every problem {@code type} URI. */
	public static final String TYPE_BASE = "https://tenantlimit.dev/problems/";

	private final JsonMapper json;

	public ProblemResponses(JsonMapper json) {
		this.json = json;
	}

	/** 401 with a {@code WWW-Authenticate} challenge. */
	public void unauthorized(HttpServletRequest request, HttpServletResponse response, String challenge,
			String detail) throws IOException {
		response.setHeader("WWW-Authenticate", challenge);
		write(request, response, problem(HttpStatus.UNAUTHORIZED, "unauthenticated", detail));
	}

	/** 403 for a suspended tenant. */
	public void suspended(HttpServletRequest request, HttpServletResponse response, String tenantId)
			throws IOException {
		Map<String, Object> body = problem(HttpStatus.FORBIDDEN, "tenant-suspended",
				"Tenant '" + tenantId + "' is suspended");
		body.put("tenant", tenantId);
		write(request, response, body);
	}

	/** 429 for a request over quota; the headers are already written. */
	public void quotaExceeded(HttpServletRequest request, HttpServletResponse response, String tenantId,
			RateLimitDecision decision) throws IOException {
		quotaExceeded(request, response, "Tenant '" + tenantId + "'", "tenant", tenantId, decision);
	}

	/** 429 for a request without credentials over its client address's quota. */
	public void clientQuotaExceeded(HttpServletRequest request, HttpServletResponse response, String address,
			RateLimitDecision decision) throws IOException {
		quotaExceeded(request, response, "Client " + address, "client", address, decision);
	}

	/** What a quota's limit counts: requests when each costs one unit, else units. */
	private static String unitsOf(Quota quota) {
		return (quota.cost() == 1 && !quota.charged()) ? " requests" : " units";
	}

	private void quotaExceeded(HttpServletRequest request, HttpServletResponse response, String who, String field,
			String id, RateLimitDecision decision) throws IOException {
		List<QuotaUsage> usages = decision.usages();
		List<String> names = RateLimitHeaders.policyNames(usages);
		List<QuotaUsage> violated = decision.violated();
		QuotaUsage first = violated.get(0);
		Map<String, Object> body = problem(HttpStatus.TOO_MANY_REQUESTS, "quota-exceeded",
				who + " exceeded its quota of " + first.quota().limit() + unitsOf(first.quota()) + " per "
						+ first.quota().window().toSeconds() + "s");
		body.put(field, id);
		body.put("limit", first.quota().limit());
		body.put("window", first.quota().window().toSeconds());
		body.put("retryAfter", RateLimitHeaders.retryAfterSeconds(decision.retryAfter()));
		body.put("violated-policies", violated.stream().map((usage) -> names.get(usages.indexOf(usage))).toList());
		write(request, response, body);
	}

	/** 429 for a request over a cap on requests in flight. */
	public void concurrencyLimited(HttpServletRequest request, HttpServletResponse response, String tenantId)
			throws IOException {
		response.setHeader("Retry-After", "1");
		Map<String, Object> body = problem(HttpStatus.TOO_MANY_REQUESTS, "concurrency-limit",
				"Too many requests of tenant '" + tenantId + "' in flight");
		body.put("tenant", tenantId);
		body.put("retryAfter", 1);
		write(request, response, body);
	}

	/**
	 * 503 when the limiter cannot decide and the fail mode is {@code closed}, or the tenant store
	 * cannot be read.
	 */
	public void unavailable(HttpServletRequest request, HttpServletResponse response, long retryAfterSeconds)
			throws IOException {
		response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
		write(request, response, problem(HttpStatus.SERVICE_UNAVAILABLE, "limiter-unavailable",
				"Rate limiting is unavailable; try again later"));
	}

	/** Any problem answer: {@code type} is the last segment of the type URI. */
	public void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String type,
			String detail) throws IOException {
		write(request, response, problem(status, type, detail));
	}

	private static Map<String, Object> problem(HttpStatus status, String type, String detail) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", URI.create(TYPE_BASE + type).toString());
		body.put("title", status.getReasonPhrase());
		body.put("status", status.value());
		body.put("detail", detail);
		return body;
	}

	private void write(HttpServletRequest request, HttpServletResponse response, Map<String, Object> body)
			throws IOException {
		body.put("instance", request.getRequestURI());
		response.setStatus((int) body.get("status"));
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		this.json.writeValue(response.getOutputStream(), body);
	}

}
