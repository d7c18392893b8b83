package dev.tenantlimit.reload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;

/** The configuration files outside the application, and a checksum that tells when they change. */
final class WatchedFiles {

	private final List<Path> paths;

	WatchedFiles(List<Path> paths) {
		this.paths = List.copyOf(paths);
	}

	List<Path> paths() {
		return this.paths;
	}

	/**
	 * The files and directories the environment was configured from outside the application:
	 * {@code file:} and {@code configtree:} locations (and those without a prefix) of
	 * {@code spring.config.location}, {@code spring.config.additional-location} and
	 * {@code spring.config.import}; {@code classpath:} ones cannot change.
	 */
	static List<Path> externalLocations(ConfigurableEnvironment environment) {
		Binder binder = Binder.get(environment);
		List<Path> paths = new ArrayList<>();
		for (String property : List.of("spring.config.location", "spring.config.additional-location",
				"spring.config.import")) {
			for (String group : binder.bind(property, String[].class).orElse(new String[0])) {
				// a;b is a group of locations read as one
				for (String location : group.split(";")) {
					Path path = path(location.trim());
					if (path != null && !paths.contains(path)) {
						paths.add(path);
					}
				}
			}
		}
		return paths;
	}

	private static @Nullable Path path(String location) {
		String rest = location.startsWith("optional:") ? location.substring("optional:".length()) : location;
		if (rest.isEmpty() || rest.startsWith("classpath:") || rest.startsWith("classpath*:")) {
			return null;
		}
		for (String scheme : List.of("file:", "configtree:")) {
			if (rest.startsWith(scheme)) {
				rest = rest.substring(scheme.length());
			}
		}
		int hint = rest.lastIndexOf('[');
		if (hint > 0 && rest.endsWith("]")) {
			// a file name extension hint: file:/etc/config/app[.yaml]
			rest = rest.substring(0, hint);
		}
		int wildcard = rest.indexOf('*');
		if (wildcard >= 0) {
			// file:/config/*/: the directory the pattern is in, walked as a whole
			rest = rest.substring(0, wildcard);
		}
		return rest.isEmpty() ? null : Path.of(rest).toAbsolutePath().normalize();
	}

	long fingerprintQuietly() {
		try {
			return fingerprint();
		}
		catch (RuntimeException ex) {
			return -1;
		}
	}

	/**
	 * A checksum of the names, sizes and modification times of the files under the watched paths
	 * (links followed: a ConfigMap's new files have times of their own). Unreadable entries are
	 * left out.
	 */
	long fingerprint() {
		CRC32 crc = new CRC32();
		for (Path root : this.paths) {
			crc.update(root.toString().getBytes(StandardCharsets.UTF_8));
			if (!Files.exists(root)) {
				continue;
			}
			try (Stream<Path> files = Files.walk(root, 4, FileVisitOption.FOLLOW_LINKS)) {
				for (Path file : files.sorted().toList()) {
					try {
						BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
						if (attributes.isRegularFile()) {
							crc.update((file + ":" + attributes.size() + ":" + attributes.lastModifiedTime().toMillis())
								.getBytes(StandardCharsets.UTF_8));
						}
					}
					catch (IOException ex) {
						// gone meanwhile (a ConfigMap swapped), or not ours to read
					}
				}
			}
			catch (IOException | UncheckedIOException ex) {
				// swapped while walked: the next check sees the new files
				crc.update(ex.getClass().getName().getBytes(StandardCharsets.UTF_8));
			}
		}
		return crc.getValue();
	}

}
