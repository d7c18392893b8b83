package dev.tenantlimit.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import dev.tenantlimit.quota.Algorithm;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;

/**
 * Checks admin request bodies before anything is written, collecting every problem so one 400
 * answer lists them all.
 */
final class AdminRequests {

	static final Duration MAX_WINDOW = Duration.ofDays(366);

	static final int MAX_QUOTAS = 20;

	static final int MAX_NAME_LENGTH = 200;

	private static final int MAX_PATH_LENGTH = 512;

	private AdminRequests() {
	}

	static String tenantId(@Nullable String id) {
		if (!Tenant.isValidId(id)) {
			throw AdminRequestException.invalid("id must match " + Tenant.ID_PATTERN.pattern());
		}
		return id;
	}

	static String name(@Nullable String name, String field) {
		if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH) {
			throw AdminRequestException.invalid(field + " must have 1 to " + MAX_NAME_LENGTH + " characters");
		}
		return name.strip();
	}

	/** A plan name: a valid id; blank means none. */
	static @Nullable String plan(@Nullable String plan) {
		if (plan == null || plan.isBlank()) {
			return null;
		}
		if (!Tenant.isValidId(plan)) {
			throw AdminRequestException.invalid("plan must match " + Tenant.ID_PATTERN.pattern());
		}
		return plan;
	}

	static TenantStatus status(String status) {
		try {
			return TenantStatus.valueOf(status);
		}
		catch (IllegalArgumentException ex) {
			throw AdminRequestException.invalid("status must be ACTIVE or SUSPENDED");
		}
	}

	static void page(int page, int size) {
		if (page < 0 || size < 1 || size > 100) {
			throw AdminRequestException.invalid("page must be >= 0 and size from 1 to 100");
		}
	}

	static List<Quota> quotas(@Nullable List<QuotaRequest> requests) {
		if (requests == null) {
			throw AdminRequestException.invalid("the body must be a JSON array of quotas");
		}
		if (requests.size() > MAX_QUOTAS) {
			throw AdminRequestException.invalid("at most " + MAX_QUOTAS + " quotas");
		}
		List<String> errors = new ArrayList<>();
		List<Quota> quotas = new ArrayList<>();
		for (int i = 0; i < requests.size(); i++) {
			Quota quota = quota(requests.get(i), "[" + i + "]", errors);
			if (quota != null) {
				quotas.add(quota);
			}
		}
		if (errors.isEmpty() && quotas.stream().map(Quota::shards).distinct().count() > 1) {
			errors.add("every quota must have the same shards: one request is decided in one shard of all of them");
		}
		if (!errors.isEmpty()) {
			throw AdminRequestException.invalid(errors);
		}
		return quotas;
	}

	private static @Nullable Quota quota(@Nullable QuotaRequest request, String at, List<String> errors) {
		if (request == null) {
			errors.add(at + " must be an object");
			return null;
		}
		int before = errors.size();
		if (request.limit() == null || request.limit() < 1) {
			errors.add(at + ".limit must be at least 1");
		}
		Duration window = window(request.window(), at, errors);
		String path = (request.path() != null) ? request.path() : Quota.ALL_PATHS;
		if (!path.startsWith("/") || path.length() > MAX_PATH_LENGTH || !path.chars().allMatch((c) -> c > 32 && c < 127)) {
			errors.add(at + ".path must start with '/' and have at most " + MAX_PATH_LENGTH + " printable characters");
		}
		Algorithm algorithm = Algorithm.AUTO;
		try {
			algorithm = (request.algorithm() != null) ? Algorithm.of(request.algorithm()) : Algorithm.AUTO;
		}
		catch (IllegalArgumentException ex) {
			errors.add(at + ".algorithm must be auto, sliding-log, sliding-counter or token-bucket");
		}
		long burst = (request.burst() != null) ? request.burst() : 0;
		if (request.burst() != null && (burst < 1 || algorithm != Algorithm.TOKEN_BUCKET)) {
			errors.add(at + ".burst must be at least 1 and is only for token-bucket quotas");
		}
		int shards = (request.shards() != null) ? request.shards() : 1;
		boolean moreShardsThanLimit = request.limit() != null && request.limit() >= 1 && shards > request.limit();
		if (shards < 1 || shards > Quota.MAX_SHARDS || moreShardsThanLimit) {
			errors.add(at + ".shards must be from 1 to " + Quota.MAX_SHARDS + " and at most the limit");
		}
		if (errors.size() > before) {
			return null;
		}
		try {
			List<String> methods = (request.methods() != null) ? request.methods() : List.of();
			return new Quota(null, request.limit(), window, path, new LinkedHashSet<>(methods),
					Boolean.TRUE.equals(request.shadow()), algorithm, burst, shards);
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			errors.add(at + ".methods must be HTTP methods (GET, POST, ...)");
			return null;
		}
	}

	private static @Nullable Duration window(@Nullable String text, String at, List<String> errors) {
		Duration window = null;
		try {
			window = (text != null) ? DurationStyle.detectAndParse(text) : null;
		}
		catch (IllegalArgumentException ex) {
			// reported below
		}
		if (window == null || window.compareTo(Quota.MIN_WINDOW) < 0 || window.compareTo(MAX_WINDOW) > 0) {
			errors.add(at + ".window must be a duration from 1s to 366d (e.g. 30s, 1m, PT1H)");
			return null;
		}
		return window;
	}

}
