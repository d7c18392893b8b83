package dev.tenantlimit.admin;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

import tools.jackson.core.JacksonException;
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
 * ({@code 1.5} is not a limit, nor is {@code "10"}), nothing after the value. Every problem it
 * finds is listed in one 400.
 */
final class AdminJson {

	static final TypeReference<List<QuotaRequest>> QUOTAS = new TypeReference<>() {
	};

	private static final JsonMapper STRICT = JsonMapper.builder()
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
				.map((problem) -> at(problem.getPath().toString()) + ": " + firstLine(problem.getMessage()))
				.toList());
		}
		catch (JacksonException ex) {
			throw AdminRequestException.invalid(List.of(at(ex.getPathReference()) + ": " + firstLine(ex.getOriginalMessage())));
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

	private static String at(String path) {
		return (path == null || path.isEmpty()) ? "body" : path;
	}

	private static String firstLine(String message) {
		int end = message.indexOf('\n');
		String line = (end >= 0) ? message.substring(0, end) : message;
		// Jackson names the Java class; the caller wrote JSON
		return line.replaceAll("\\s*\\(class [^)]*\\)", "").replaceAll("`[a-z.]+\\.([A-Za-z]+)`", "$1");
	}

}
