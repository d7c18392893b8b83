package dev.tenantlimit.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md documents exactly the properties in the generated metadata. */
class ConfigurationReferenceTests {

	private static final Pattern DOCUMENTED = Pattern.compile("^\\| `(tenantlimit\\.[a-z.-]+)` \\|",
			Pattern.MULTILINE);

	@Test
	void referenceAndMetadataNameTheSameProperties() throws IOException {
		Set<String> metadata = metadata();
		assertThat(metadata).contains("tenantlimit.enabled", "tenantlimit.jwt.secret", "tenantlimit.fail-mode");
		assertThat(documented()).isEqualTo(metadata);
	}

	private static Set<String> metadata() throws IOException {
		JsonNode root = JsonMapper.shared()
			.readTree(new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream());
		Set<String> names = new TreeSet<>();
		root.get("properties").forEach((property) -> names.add(property.get("name").asString()));
		// the actuator endpoint's own management.endpoint.tenantlimit.* are Boot's, documented by Boot
		names.removeIf((name) -> !name.startsWith("tenantlimit."));
		return names;
	}

	private static Set<String> documented() throws IOException {
		Matcher matcher = DOCUMENTED.matcher(Files.readString(Path.of("../docs/configuration.md")));
		Set<String> names = new TreeSet<>();
		while (matcher.find()) {
			names.add(matcher.group(1));
		}
		return names;
	}

}
