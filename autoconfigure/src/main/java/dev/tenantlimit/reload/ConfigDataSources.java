package dev.tenantlimit.reload;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * Which property sources of an environment Boot's config data processing added (the files and
 * config trees), told apart from everything else (command line, environment variables,
 * {@code SPRING_APPLICATION_JSON}, default properties, test properties): the names present just
 * before it ran and just after. A reload reads the config data again and keeps the rest as it is.
 */
public final class ConfigDataSources {

	private static final Map<ConfigurableEnvironment, Set<String>> BEFORE = Collections.synchronizedMap(new WeakHashMap<>());

	private static final Map<ConfigurableEnvironment, Set<String>> ADDED = Collections.synchronizedMap(new WeakHashMap<>());

	private ConfigDataSources() {
	}

	/** The names config data added to {@code environment}, or null when it was not watched. */
	static @Nullable Set<String> added(ConfigurableEnvironment environment) {
		return ADDED.get(environment);
	}

	private static Set<String> names(ConfigurableEnvironment environment) {
		Set<String> names = new LinkedHashSet<>();
		for (PropertySource<?> source : environment.getPropertySources()) {
			names.add(source.getName());
		}
		return names;
	}

	/** Runs just before config data. */
	public static final class Before implements EnvironmentPostProcessor, Ordered {

		@Override
		public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
			BEFORE.put(environment, names(environment));
		}

		@Override
		public int getOrder() {
			return ConfigDataEnvironmentPostProcessor.ORDER - 1;
		}

	}

	/** Runs just after config data. */
	public static final class After implements EnvironmentPostProcessor, Ordered {

		@Override
		public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
			Set<String> before = BEFORE.remove(environment);
			if (before != null) {
				Set<String> added = names(environment);
				added.removeAll(before);
				ADDED.put(environment, added);
			}
		}

		@Override
		public int getOrder() {
			return ConfigDataEnvironmentPostProcessor.ORDER + 1;
		}

	}

}
