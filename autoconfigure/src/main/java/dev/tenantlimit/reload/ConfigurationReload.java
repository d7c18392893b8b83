package dev.tenantlimit.reload;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.env.ConfigTreePropertySource;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MutablePropertySources;
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

	private final WatchedFiles watched;

	private final Duration interval;

	private final String prefix;

	private final Listener listener;

	private @Nullable ScheduledExecutorService executor;

	/** Of the files as last read; 0 before the first check, so that one reads them. */
	private long fingerprint;

	/** Of the files as they were when a read failed last: told once. */
	private long failedFingerprint;

	/** What the configuration in use says under the prefix. */
	private Map<ConfigurationPropertyName, String> applied = Map.of();

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
		this.watched = new WatchedFiles(watched);
		this.interval = interval;
		this.prefix = prefix + ".";
		this.listener = listener;
	}

	@Override
	public void start() {
		if (this.watched.paths().isEmpty()) {
			logger.debug("No configuration outside the application to watch");
			return;
		}
		if (this.applied.isEmpty()) {
			this.applied = properties(this.environment);
		}
		this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "tenantlimit-reload");
			thread.setDaemon(true);
			return thread;
		});
		long millis = Math.max(50, this.interval.toMillis());
		// the first check reads the files at once: an edit made while the application started applies
		this.executor.scheduleWithFixedDelay(this::check, 0, millis, TimeUnit.MILLISECONDS);
		logger.info("Watching " + this.watched.paths() + " for changes of " + this.prefix + "* every " + millis + " ms");
	}

	/** {@link WatchedFiles#externalLocations}: what a reload watches by default. */
	public static List<Path> externalLocations(ConfigurableEnvironment environment) {
		return WatchedFiles.externalLocations(environment);
	}

	/** Read the files; when they changed, the configuration again, and tell what changed in it. */
	void check() {
		try {
			long now = this.watched.fingerprint();
			if (now == this.fingerprint) {
				return;
			}
			ConfigurableEnvironment fresh = reread();
			// only once read: a read that failed is tried again at the next check
			this.fingerprint = now;
			Map<ConfigurationPropertyName, String> next = properties(fresh);
			Map<ConfigurationPropertyName, String> changes = changes(this.applied, next);
			if (changes.isEmpty()) {
				logger.debug("Configuration files read, " + this.prefix + "* unchanged");
				return;
			}
			if (this.listener.reloaded(Binder.get(fresh), changes.keySet())) {
				this.applied = next;
				logger.info("Configuration reloaded: " + String.join(", ", changes.values()));
			}
		}
		catch (Exception ex) {
			// a half-written file, a syntax error: tried again at each check, told once per state
			// of the files; the class only, as a parser's message may quote the file (and a
			// password in it): the whole at DEBUG
			long failedOn = this.failedFingerprint;
			this.failedFingerprint = this.watched.fingerprintQuietly();
			if (failedOn != this.failedFingerprint) {
				logger.error("Could not reload the configuration; keeping the one in use: " + ex.getClass().getName());
			}
			logger.debug("Could not reload the configuration", ex);
		}
	}

	/**
	 * The environment as Boot would prepare it now: every property source but those config data
	 * added (command line, environment variables, {@code SPRING_APPLICATION_JSON}, default and
	 * test properties stay as they are), then config data read again.
	 */
	private ConfigurableEnvironment reread() {
		Set<String> configData = ConfigDataSources.added(this.environment);
		StandardEnvironment fresh = new StandardEnvironment();
		MutablePropertySources sources = fresh.getPropertySources();
		sources.forEach((source) -> sources.remove(source.getName()));
		for (PropertySource<?> source : this.environment.getPropertySources()) {
			if (!"configurationProperties".equals(source.getName()) && !fromConfigData(source, configData)) {
				sources.addLast(source);
			}
		}
		ConfigDataEnvironmentPostProcessor.applyTo(fresh, new DefaultResourceLoader(), null,
				List.of(this.environment.getActiveProfiles()));
		return fresh;
	}

	private static boolean fromConfigData(PropertySource<?> source, @Nullable Set<String> configData) {
		if (configData != null) {
			return configData.contains(source.getName());
		}
		// not prepared by SpringApplication: Boot's names for config data sources
		return source.getName().startsWith("Config resource ") || source instanceof ConfigTreePropertySource;
	}

	/** Every property under the prefix, by its canonical name, as the environment resolves it. */
	private Map<ConfigurationPropertyName, String> properties(ConfigurableEnvironment environment) {
		Map<ConfigurationPropertyName, String> properties = new TreeMap<>();
		for (PropertySource<?> source : environment.getPropertySources()) {
			if (source instanceof EnumerablePropertySource<?> enumerable
					&& !"configurationProperties".equals(source.getName())) {
				for (String name : enumerable.getPropertyNames()) {
					if (name.startsWith(this.prefix)) {
						// relaxed: dryRun in one file and dry-run in another are one property
						properties.putIfAbsent(ConfigurationPropertyName.adapt(name, '.'),
								String.valueOf(environment.getProperty(name)));
					}
				}
			}
		}
		return properties;
	}

	/** Each changed name with a line telling the change, secrets masked. */
	private static Map<ConfigurationPropertyName, String> changes(Map<ConfigurationPropertyName, String> before,
			Map<ConfigurationPropertyName, String> after) {
		Map<ConfigurationPropertyName, String> changes = new TreeMap<>();
		for (Map.Entry<ConfigurationPropertyName, String> entry : after.entrySet()) {
			String old = before.get(entry.getKey());
			if (!entry.getValue().equals(old)) {
				changes.put(entry.getKey(), entry.getKey() + " " + shown(entry.getKey(), old) + " -> "
						+ shown(entry.getKey(), entry.getValue()));
			}
		}
		for (Map.Entry<ConfigurationPropertyName, String> entry : before.entrySet()) {
			if (!after.containsKey(entry.getKey())) {
				changes.put(entry.getKey(), entry.getKey() + " " + shown(entry.getKey(), entry.getValue())
						+ " -> (removed)");
			}
		}
		return changes;
	}

	private static String shown(ConfigurationPropertyName name, @Nullable String value) {
		if (value == null) {
			return "(unset)";
		}
		String lower = name.toString().toLowerCase(Locale.ROOT);
		return (lower.contains("secret") || lower.contains("password") || lower.contains("token")) ? "******" : value;
	}

	@Override
	public void stop() {
		ScheduledExecutorService running = this.executor;
		if (running != null) {
			running.shutdown();
			try {
				running.awaitTermination(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
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
		boolean reloaded(Binder binder, Set<ConfigurationPropertyName> changed);

	}

}
