package dev.tenantlimit.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The Lua scripts beside this class, read once. A script built from a {@code Resource} checks the
 * resource's last-modified time on every call (a jar lookup under a lock when the application
 * runs from a jar); one built from the text does not.
 */
final class LuaScripts {

	private LuaScripts() {
	}

	static <T> RedisScript<T> load(String name, Class<T> resultType) {
		return RedisScript.of(text(name), resultType);
	}

	/** A script that starts with the local functions of {@code prelude} (a script has no includes). */
	static <T> RedisScript<T> load(String prelude, String name, Class<T> resultType) {
		return RedisScript.of(text(prelude) + text(name), resultType);
	}

	static String text(String name) {
		ClassPathResource resource = new ClassPathResource("dev/tenantlimit/redis/" + name);
		try {
			return resource.getContentAsString(StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + resource, ex);
		}
	}

}
