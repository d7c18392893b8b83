package dev.tenantlimit.reload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.DefaultResourceLoader;

/**
 * Reads the configuration files outside the application again when they change, the way Boot
 * read them at start-up ({@link ConfigDataEnvironmentPostProcessor} on a fresh environment with
 * the same command line, default properties and profiles), and hands the new values under a
 * prefix to a {@link Listener}. A mounted ConfigMap is replaced by Kubernetes through a symbolic
 * link, which file-system events follow badly; the files are polled instead, and compared by
 * content. What changed is logged, secrets masked.
 */
public class ConfigurationReload implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ConfigurationReload.class);

	private final ConfigurableEnvironment environment;

	private final List<Path> watched;

	private final Duration interval;

	private final String prefix;

	private final Listener listener;

	private @Nullable ScheduledExecutorService executor;

	private long fingerprint;

	private Map<String, String> applied = Map.of();

	/**
	 * @param environment the application's environment
	 * @param watched files and directories to read for a change
	 * @param interval how often
	 * @param prefix the properties the listener is told of, e.g. {@code tenantlimit}
	 * @param listener what applies them
	 */
	public ConfigurationReload(ConfigurableEnvironment environment, List<Path> watched, Duration interval,
			String prefix, Listener listener) {
		this.environment = environment;
		this.watched = List.copyOf(watched);
		this.interval = interval;
		this.prefix = prefix + ".";
		this.listener = listener;
	}

	/**
	 * The files and directories the environment was configured from outside the application:
	 * {@code file:} and {@code configtree:} locations (and those without a prefix) of
	 * {@code spring.config.location}, {@code spring.config.additional-location} and
	 * {@code spring.config.import}; {@code classpath:} ones cannot change.
	 */
	public static List<Path> externalLocations(ConfigurableEnvironment environment) {
		Binder binder = Binder.get(environment);
		List<Path> paths = new ArrayList<>();
		for (String property : List.of("spring.config.location", "spring.config.additional-location",
				"spring.config.import")) {
			for (String location : binder.bind(property, String[].class).orElse(new String[0])) {
				Path path = path(location.trim());
				if (path != null && !paths.contains(path)) {
					paths.add(path);
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
		return Path.of(rest).toAbsolutePath().normalize();
	}

	@Override
	public void start() {
		if (this.watched.isEmpty()) {
			logger.debug("No configuration outside the application to watch");
			return;
		}
		this.fingerprint = fingerprint();
		this.applied = properties(this.environment);
		this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "tenantlimit-reload");
			thread.setDaemon(true);
			return thread;
		});
		long millis = Math.max(50, this.interval.toMillis());
		this.executor.scheduleWithFixedDelay(this::check, millis, millis, TimeUnit.MILLISECONDS);
		logger.info("Watching " + this.watched + " for changes of " + this.prefix + "* every " + millis + " ms");
	}

	/** Read the files; when they changed, the configuration again, and tell what changed in it. */
	void check() {
		try {
			long now = fingerprint();
			if (now == this.fingerprint) {
				return;
			}
			this.fingerprint = now;
			ConfigurableEnvironment fresh = reread();
			Map<String, String> next = properties(fresh);
			Map<String, String> changes = changes(this.applied, next);
			if (changes.isEmpty()) {
				logger.debug("Configuration files changed, " + this.prefix + "* did not");
				return;
			}
			if (this.listener.reloaded(Binder.get(fresh), changes.keySet())) {
				this.applied = next;
				logger.info("Configuration reloaded: " + String.join(", ", changes.values()));
			}
		}
		catch (RuntimeException ex) {
			// a half-written file, a syntax error: the next change is read again
			logger.error("Could not reload the configuration; keeping the one in use", ex);
		}
	}

	private ConfigurableEnvironment reread() {
		StandardEnvironment fresh = new StandardEnvironment();
		for (String name : List.of("commandLineArgs", "defaultProperties")) {
			PropertySource<?> source = this.environment.getPropertySources().get(name);
			if (source != null) {
				if (name.equals("commandLineArgs")) {
					fresh.getPropertySources().addFirst(source);
				}
				else {
					fresh.getPropertySources().addLast(source);
				}
			}
		}
		ConfigDataEnvironmentPostProcessor.applyTo(fresh, new DefaultResourceLoader(), null,
				List.of(this.environment.getActiveProfiles()));
		return fresh;
	}

	/** Every property under the prefix, by its canonical name, as the environment resolves it. */
	private Map<String, String> properties(ConfigurableEnvironment environment) {
		Map<String, String> properties = new TreeMap<>();
		for (PropertySource<?> source : environment.getPropertySources()) {
			if (source instanceof EnumerablePropertySource<?> enumerable
					&& !"configurationProperties".equals(source.getName())) {
				for (String name : enumerable.getPropertyNames()) {
					if (name.startsWith(this.prefix)) {
						String canonical = ConfigurationPropertyName.adapt(name, '.').toString();
						properties.putIfAbsent(canonical, String.valueOf(environment.getProperty(name)));
					}
				}
			}
		}
		return properties;
	}

	/** Each changed name with a line telling the change, secrets masked. */
	private static Map<String, String> changes(Map<String, String> before, Map<String, String> after) {
		Map<String, String> changes = new TreeMap<>();
		for (Map.Entry<String, String> entry : after.entrySet()) {
			String old = before.get(entry.getKey());
			if (!entry.getValue().equals(old)) {
				changes.put(entry.getKey(), entry.getKey() + " " + shown(entry.getKey(), old) + " -> "
						+ shown(entry.getKey(), entry.getValue()));
			}
		}
		for (String name : before.keySet()) {
			if (!after.containsKey(name)) {
				changes.put(name, name + " " + shown(name, before.get(name)) + " -> (removed)");
			}
		}
		return changes;
	}

	private static String shown(String name, @Nullable String value) {
		if (value == null) {
			return "(unset)";
		}
		String lower = name.toLowerCase(Locale.ROOT);
		return (lower.contains("secret") || lower.contains("password") || lower.contains("token")) ? "******" : value;
	}

	/** A checksum of every file under the watched paths, names and contents. */
	private long fingerprint() {
		CRC32 crc = new CRC32();
		for (Path root : this.watched) {
			crc.update(root.toString().getBytes(StandardCharsets.UTF_8));
			if (!Files.exists(root)) {
				continue;
			}
			try (Stream<Path> files = Files.walk(root, 4, FileVisitOption.FOLLOW_LINKS)) {
				for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
					crc.update(file.toString().getBytes(StandardCharsets.UTF_8));
					crc.update(Files.readAllBytes(file));
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return crc.getValue();
	}

	@Override
	public void stop() {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

	/** Applies a configuration read again. */
	@FunctionalInterface
	public interface Listener {

		/**
		 * @param binder the configuration as read again
		 * @param changed the canonical names of the properties under the prefix that changed
		 * @return whether it was applied (false: refused, the one in use stays)
		 */
		boolean reloaded(Binder binder, Set<String> changed);

	}

}
