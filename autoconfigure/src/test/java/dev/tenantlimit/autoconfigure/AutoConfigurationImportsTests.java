package dev.tenantlimit.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/** Every class the imports file names exists and is an auto-configuration, so a move breaks the build, not users. */
class AutoConfigurationImportsTests {

	@Test
	void everyImportedClassLoadsAndIsAnAutoConfiguration() throws IOException, ClassNotFoundException {
		List<String> names = importedClassNames();
		assertThat(names).hasSize(9);
		for (String name : names) {
			Class<?> type = ClassUtils.forName(name, getClass().getClassLoader());
			assertThat(type).hasAnnotation(AutoConfiguration.class);
			assertThat(type.getPackageName()).isEqualTo("dev.tenantlimit.autoconfigure");
		}
	}

	private static List<String> importedClassNames() throws IOException {
		ClassPathResource imports = new ClassPathResource(
				"META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports");
		try (InputStream in = imports.getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
				.map(String::strip)
				.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
				.toList();
		}
	}

}
