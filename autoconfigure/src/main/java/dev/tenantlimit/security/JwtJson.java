package dev.tenantlimit.security;

import java.io.OutputStream;
import java.io.Reader;
import java.util.Map;
import java.util.Set;

import io.jsonwebtoken.MalformedJwtException;
import io.jsonwebtoken.io.AbstractDeserializer;
import io.jsonwebtoken.io.AbstractSerializer;
import io.jsonwebtoken.io.Deserializer;
import io.jsonwebtoken.io.Serializer;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * jjwt's JSON, on the application's Jackson 3 (so jjwt-jackson and the second, Jackson 2 copy of
 * Jackson it brings are not needed), and stricter than jjwt's own: a header or claims set with a
 * name twice is refused (parsers that keep different copies disagree about the token), and so is
 * a time claim ({@code exp}, {@code nbf}, {@code iat}) that is not a number of seconds up to the
 * year 9999 (RFC 7519: a NumericDate is a JSON number; jjwt would read {@code "4102444800"}).
 */
public final class JwtJson {

	private static final JsonMapper MAPPER = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.build();

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	private static final Set<String> TIME_CLAIMS = Set.of("exp", "nbf", "iat");

	/** 9999-12-31T23:59:59Z, in seconds. */
	private static final double LATEST = 253_402_300_799d;

	private JwtJson() {
	}

	/** For {@code Jwts.parser().json(...)}. */
	public static Deserializer<Map<String, ?>> deserializer() {
		return new AbstractDeserializer<>() {

			@Override
			protected Map<String, ?> doDeserialize(Reader reader) {
				Map<String, Object> map = MAPPER.readValue(reader, MAP);
				for (String claim : TIME_CLAIMS) {
					Object value = map.get(claim);
					if (value != null && !(value instanceof Number number && isTime(number.doubleValue()))) {
						throw new MalformedJwtException("'" + claim + "' must be a number of seconds");
					}
				}
				return map;
			}

		};
	}

	/** For {@code Jwts.builder().json(...)}. */
	public static Serializer<Map<String, ?>> serializer() {
		return new AbstractSerializer<>() {

			@Override
			protected void doSerialize(Map<String, ?> map, OutputStream out) {
				MAPPER.writeValue(out, map);
			}

		};
	}

	private static boolean isTime(double seconds) {
		return Double.isFinite(seconds) && seconds >= 0 && seconds <= LATEST;
	}

}
