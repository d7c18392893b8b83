package dev.tenantlimit.redis;

import java.util.List;

import org.springframework.data.redis.core.script.RedisScript;

/**
 * A Lua file whose entry point is a local function {@code entry(KEYS, ARGV)}, run two ways from
 * the same text: as a Redis function (Redis 7: {@code FUNCTION LOAD} once, then {@code FCALL}),
 * where whatever the file defines outside the entry point is built once per load rather than on
 * every call; or, where the server has no functions (Redis 6, a proxy, an ACL without them), as a
 * script that calls the entry point ({@code EVALSHA}).
 *
 * <p>The library and the function are named after the script's SHA-1, as a script is: instances
 * of two versions sharing one Redis each call their own version, and loading one never replaces
 * the other's.
 *
 * @param functionName the name to {@code FCALL}
 * @param library the text to {@code FUNCTION LOAD}
 * @param script the same code as a script
 */
@SuppressWarnings("rawtypes")
record LuaFunction(String functionName, String library, RedisScript<List> script) {

	static LuaFunction load(String file, String entry) {
		String body = LuaScripts.text(file);
		RedisScript<List> script = RedisScript.of(body + "\nreturn " + entry + "(KEYS, ARGV)\n", List.class);
		String version = script.getSha1().substring(0, 12);
		String functionName = "tenantlimit_" + entry + "_" + version;
		String library = "#!lua name=tenantlimit_" + version + "\n" + body + "\nredis.register_function('"
				+ functionName + "', " + entry + ")\n";
		return new LuaFunction(functionName, library, script);
	}

}
