package dev.tenantlimit.autoconfigure;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.BeanWrapperImpl;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated configuration metadata is part of the product: every property with a default in
 * {@link TenantLimitProperties} states it, and every enum property lists its values as hints.
 */
class ConfigurationMetadataTests {

	private final JsonNode metadata = read();

	@Test
	void everyPropertyWithADefaultStatesIt() {
		BeanWrapperImpl defaults = new BeanWrapperImpl(new TenantLimitProperties());
		List<String> missing = new ArrayList<>();
		for (JsonNode property : this.metadata.get("properties")) {
			String name = property.get("name").asString();
			if (!name.startsWith("tenantlimit.")) {
				continue;
			}
			Object value = defaults.getPropertyValue(beanPath(name));
			if (value != null && !property.has("defaultValue")) {
				missing.add(name);
			}
		}
		assertThat(missing).as("properties whose default the metadata does not state").isEmpty();
	}

	@Test
	void everyEnumPropertyHasItsValuesAsHints() throws ClassNotFoundException {
		List<String> unhinted = new ArrayList<>();
		for (JsonNode property : this.metadata.get("properties")) {
			String name = property.get("name").asString();
			String typeName = property.get("type").asString();
			if (!name.startsWith("tenantlimit.") || typeName.contains("<")) {
				continue;
			}
			Class<?> type = ClassUtils.forName(typeName, getClass().getClassLoader());
			if (type.isEnum()) {
				Set<String> expected = new TreeSet<>();
				Arrays.stream(type.getEnumConstants())
					.forEach((constant) -> expected.add(constant.toString().toLowerCase(Locale.ROOT).replace('_', '-')));
				if (!expected.equals(hints(name))) {
					unhinted.add(name + " " + expected + " vs " + hints(name));
				}
			}
		}
		assertThat(unhinted).as("enum properties without (all) their values as hints").isEmpty();
	}

	private Set<String> hints(String name) {
		Set<String> values = new TreeSet<>();
		JsonNode hints = this.metadata.get("hints");
		if (hints != null) {
			for (JsonNode hint : hints) {
				if (hint.get("name").asString().equals(name)) {
					hint.get("values").forEach((value) -> values.add(value.get("value").asString()));
				}
			}
		}
		return values;
	}

	/** {@code tenantlimit.fallback.retry-interval} as the bean path {@code fallback.retryInterval}. */
	private static String beanPath(String name) {
		StringBuilder path = new StringBuilder();
		boolean upper = false;
		for (char c : name.substring("tenantlimit.".length()).toCharArray()) {
			if (c == '-') {
				upper = true;
			}
			else {
				path.append(upper ? Character.toUpperCase(c) : c);
				upper = false;
			}
		}
		return path.toString();
	}

	private static JsonNode read() {
		try {
			return JsonMapper.shared()
				.readTree(new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
