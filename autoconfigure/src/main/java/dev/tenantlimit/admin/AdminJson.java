package dev.tenantlimit.admin;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.DeferredBindingException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * Reads admin request bodies strictly, whatever the application's own Jackson settings: UTF-8
 * that is well-formed (no overlong forms), no field the API does not know (a misspelt
 * {@code "metods"} must not store a quota on every method), a number where a number is meant
 * ({@code 1.5} is not a limit, nor is {@code "10"}), no field given twice, nothing after the
 * value. Every problem it finds is listed in one 400, named by where it is in the body
 * ({@code [0].limit}), never by Java class.
 */
final class AdminJson {

	static final TypeReference<List<QuotaRequest>> QUOTAS = new TypeReference<>() {
	};

	/** The first quoted name in one of Jackson's messages: the unknown field. */
	private static final Pattern QUOTED = Pattern.compile("[\"'`]([^\"'`]+)[\"'`]");

	/** "Cannot coerce Integer value (5) to `java.lang.String` value": the type that was expected. */
	private static final Pattern TARGET_TYPE = Pattern.compile("to `([^`]+)`");

	private static final JsonMapper STRICT = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
				DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
		.withCoercionConfig(LogicalType.Integer, (config) -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
			.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
			.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
		.withCoercionConfig(LogicalType.Boolean, (config) -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
			.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
		.withCoercionConfig(LogicalType.Textual, (config) -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
			.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
			.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
		.build();

	private AdminJson() {
	}

	static <T> T read(byte[] body, Class<T> type) {
		return read(body, STRICT.readerFor(type));
	}

	static <T> T read(byte[] body, TypeReference<T> type) {
		return read(body, STRICT.readerFor(type));
	}

	private static <T> T read(byte[] body, ObjectReader reader) {
		String text = utf8(body);
		try {
			return reader.problemCollectingReader().readValueCollectingProblems(text);
		}
		catch (DeferredBindingException ex) {
			throw AdminRequestException.invalid(ex.getProblems()
				.stream()
				.map((problem) -> at(problem.getPath().toString()) + ": " + reason(problem.getMessage()))
				.toList());
		}
		catch (JacksonException ex) {
			throw AdminRequestException.invalid(List.of(at(ex.getPath()) + ": " + reason(ex.getOriginalMessage())));
		}
	}

	private static String utf8(byte[] body) {
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(body))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw AdminRequestException.invalid("the body must be well-formed UTF-8");
		}
	}

	/** A JSON pointer ({@code /0/limit}) as the errors list spells places: {@code [0].limit}. */
	private static String at(String pointer) {
		if (pointer == null || pointer.isEmpty() || pointer.equals("/")) {
			return "body";
		}
		StringBuilder at = new StringBuilder();
		for (String step : pointer.substring(1).split("/")) {
			at.append(step.chars().allMatch(Character::isDigit) ? "[" + step + "]" : (at.isEmpty() ? step : "." + step));
		}
		return at.toString();
	}

	/** Where a binding failed, from Jackson's references (fields and indexes), not its classes. */
	private static String at(List<JacksonException.Reference> path) {
		StringBuilder at = new StringBuilder();
		for (JacksonException.Reference reference : path) {
			if (reference.getPropertyName() != null) {
				at.append(at.isEmpty() ? "" : ".").append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				at.append('[').append(reference.getIndex()).append(']');
			}
		}
		return at.isEmpty() ? "body" : at.toString();
	}

	/** What is wrong, in JSON's words: Jackson's messages name Java types and its own settings. */
	private static String reason(String message) {
		String text = String.valueOf(message);
		if (text.contains("Duplicate field") || text.contains("Duplicate Object property")) {
			return "a field is given twice";
		}
		if (text.contains("Unrecognized") || text.contains("Unknown property") || text.contains("not marked as ignorable")) {
			Matcher name = QUOTED.matcher(text);
			return "unknown field" + (name.find() ? " '" + name.group(1) + "'" : "");
		}
		Matcher target = TARGET_TYPE.matcher(text);
		String expected = target.find() ? target.group(1) : text;
		if (expected.matches(".*\\b(Long|Integer|long|int)\\b.*")) {
			return "must be a whole number";
		}
		if (expected.matches(".*\\b(Boolean|boolean)\\b.*")) {
			return "must be true or false";
		}
		if (expected.contains("String")) {
			return "must be text";
		}
		if (expected.contains("List") || expected.contains("Collection") || expected.contains("array")) {
			return "must be a JSON array";
		}
		if (text.contains("Unexpected end") || text.contains("Unexpected character") || text.contains("Trailing token")) {
			return "is not well-formed JSON";
		}
		return "has the wrong type or form";
	}

}
