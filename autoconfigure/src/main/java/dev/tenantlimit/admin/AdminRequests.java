package dev.tenantlimit.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

import dev.tenantlimit.quota.Algorithm;
import dev.tenantlimit.quota.PathPatterns;
import dev.tenantlimit.quota.CounterDimensions;
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

	/** Highest page asked for: 100 000 pages of at most 100 (and no int overflow of page * size). */
	static final int MAX_PAGE = 100_000;

	/** Largest limit or burst: counts stay exact in Redis's Lua numbers (doubles). */
	static final long MAX_COUNT = 1_000_000_000_000L;

	/** A simple duration: digits and a lower-case unit of Spring Boot's ({@code 1M} is not one). */
	private static final Pattern SIMPLE_DURATION = Pattern.compile("[0-9]{1,9}(ms|s|m|h|d)");

	/** ISO-8601 as Java reads it, upper case only. */
	private static final Pattern ISO_DURATION = Pattern.compile("P[0-9DTHMS.]{2,30}");

	private AdminRequests() {
	}

	static String tenantId(@Nullable String id) {
		if (!Tenant.isValidId(id)) {
			throw AdminRequestException.invalid("id must match " + Tenant.ID_PATTERN.pattern());
		}
		return id;
	}

	static String name(@Nullable String name, String field) {
		// counted as the databases store it (H2 counts UTF-16 units): an emoji counts twice
		if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH) {
			throw AdminRequestException.invalid(field + " must have 1 to " + MAX_NAME_LENGTH
					+ " UTF-16 code units (a character beyond the Basic Multilingual Plane, like an emoji, counts twice)");
		}
		if (!isPrintable(name)) {
			throw AdminRequestException.invalid(field + " must be printable text: no control characters (NUL, "
					+ "newlines...) and no unpaired surrogates");
		}
		return name.strip();
	}

	/** No control or format characters, no lone surrogates, no unassigned or private-use ones. */
	private static boolean isPrintable(String text) {
		return text.codePoints().allMatch((c) -> switch (Character.getType(c)) {
			case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.UNASSIGNED,
					Character.PRIVATE_USE -> false;
			default -> true;
		});
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
		if (page < 0 || page > MAX_PAGE || size < 1 || size > 100) {
			throw AdminRequestException.invalid("page must be from 0 to " + MAX_PAGE + " and size from 1 to 100");
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
		if (request.limit() == null || request.limit() < 1 || request.limit() > MAX_COUNT) {
			errors.add(at + ".limit must be a whole number from 1 to " + MAX_COUNT);
		}
		Duration window = window(request.window(), at, errors);
		String path = (request.path() != null) ? request.path() : Quota.ALL_PATHS;
		String pathProblem = PathPatterns.problem(path);
		if (pathProblem != null) {
			errors.add(at + ".path " + pathProblem);
		}
		Algorithm algorithm = Algorithm.AUTO;
		try {
			algorithm = (request.algorithm() != null) ? Algorithm.of(request.algorithm()) : Algorithm.AUTO;
		}
		catch (IllegalArgumentException ex) {
			errors.add(at + ".algorithm must be auto, sliding-log, sliding-counter or token-bucket");
		}
		long burst = (request.burst() != null) ? request.burst() : 0;
		if (request.burst() != null && (burst < 1 || burst > MAX_COUNT || algorithm != Algorithm.TOKEN_BUCKET)) {
			errors.add(at + ".burst must be from 1 to " + MAX_COUNT + " and is only for token-bucket quotas");
		}
		int shards = (request.shards() != null) ? request.shards() : 1;
		boolean moreShardsThanLimit = request.limit() != null && request.limit() >= 1 && shards > request.limit();
		if (shards < 1 || shards > Quota.MAX_SHARDS || moreShardsThanLimit) {
			errors.add(at + ".shards must be from 1 to " + Quota.MAX_SHARDS + " and at most the limit");
		}
		long cost = (request.cost() != null) ? request.cost() : 1;
		boolean charged = Boolean.TRUE.equals(request.charged());
		if (cost < (charged ? 0 : 1) || cost > MAX_COUNT) {
			errors.add(at + ".cost must be a whole number from 1 (0 for a charged quota) to " + MAX_COUNT);
		}
		Duration delay = delay(request.delay(), at, errors);
		List<String> per = (request.per() != null) ? request.per() : List.of();
		String perProblem = perProblem(per);
		if (perProblem != null) {
			errors.add(at + "." + perProblem);
		}
		if (errors.size() > before) {
			return null;
		}
		try {
			List<String> methods = (request.methods() != null) ? request.methods() : List.of();
			Quota quota = new Quota(null, request.limit(), window, path, new LinkedHashSet<>(methods),
					Boolean.TRUE.equals(request.shadow()), algorithm, burst, shards, !Boolean.FALSE.equals(request.lease()),
					cost, per, "", charged, (delay != null) ? delay : Duration.ZERO);
			if (cost > quota.largestCost()) {
				errors.add(at + ".cost must be at most " + quota.largestCost()
						+ ": what the quota holds when full (its burst or limit, divided by its shards)");
				return null;
			}
			return quota;
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			errors.add(at + ".methods must be HTTP methods (GET, POST, ...)");
			return null;
		}
	}

	private static @Nullable Duration delay(@Nullable String text, String at, List<String> errors) {
		if (text == null) {
			return Duration.ZERO;
		}
		Duration delay = duration(text);
		if (delay == null || delay.compareTo(Quota.MAX_DELAY) > 0) {
			errors.add(at + ".delay must be a duration from 0 to " + Quota.MAX_DELAY.toSeconds() + "s (500ms, 2s)");
			return null;
		}
		return delay;
	}

	/** What is wrong with a quota's per, or {@code null}. */
	private static @Nullable String perProblem(List<String> per) {
		if (per.size() > CounterDimensions.MAX_DIMENSIONS) {
			return "per takes at most " + CounterDimensions.MAX_DIMENSIONS + " dimensions";
		}
		if (per.stream().distinct().count() < per.size()) {
			return "per must not name a dimension twice";
		}
		for (String dimension : per) {
			String problem = CounterDimensions.problem(dimension);
			if (problem != null) {
				return problem;
			}
		}
		return null;
	}

	private static @Nullable Duration window(@Nullable String text, String at, List<String> errors) {
		Duration window = (text != null) ? duration(text) : null;
		if (window == null || window.compareTo(Quota.MIN_WINDOW) < 0 || window.compareTo(MAX_WINDOW) > 0) {
			errors.add(at + ".window must be a duration from 1s to 366d: digits and ms, s, m, h or d (30s, 1m), "
					+ "or ISO-8601 (PT1H)");
			return null;
		}
		return window;
	}

	/**
	 * Digits and a lower-case unit ({@code 30s}, {@code 500ms}) or ISO-8601 ({@code PT1H}), never
	 * negative; {@code null} for anything else ({@code 1M} is refused, not read as a minute).
	 */
	private static @Nullable Duration duration(String text) {
		try {
			boolean wellFormed = SIMPLE_DURATION.matcher(text).matches() || ISO_DURATION.matcher(text).matches();
			Duration duration = wellFormed ? DurationStyle.detectAndParse(text) : null;
			return (duration != null && !duration.isNegative()) ? duration : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
