package dev.tenantlimit.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import redis.embedded.RedisServer;

/**
 * So the sample shows real shared windows on a machine without Redis: when nothing answers at
 * {@code REDIS_HOST:REDIS_PORT} (127.0.0.1:6379 by default), a redis-server packaged with
 * embedded-redis is started on a free port for this run and {@code REDIS_PORT} points at it. Set
 * {@code SAMPLE_EMBEDDED_REDIS=false} to start without it (then the limiter's fail mode decides).
 */
final class DevelopmentRedis {

	private static final Log logger = LogFactory.getLog(DevelopmentRedis.class);

	private DevelopmentRedis() {
	}

	static void startIfNoneAnswers() {
		String host = setting("REDIS_HOST", "127.0.0.1");
		int port = Integer.parseInt(setting("REDIS_PORT", "6379"));
		if ("false".equals(setting("SAMPLE_EMBEDDED_REDIS", "true")) || answers(host, port)) {
			return;
		}
		try {
			int free;
			try (ServerSocket socket = new ServerSocket(0)) {
				free = socket.getLocalPort();
			}
			RedisServer server = RedisServer.newRedisServer().port(free).bind("127.0.0.1").setting("save \"\"").build();
			server.start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					server.stop();
				}
				catch (IOException ex) {
					// the JVM is exiting
				}
			}));
			System.setProperty("REDIS_HOST", "127.0.0.1");
			System.setProperty("REDIS_PORT", Integer.toString(free));
			logger.info("No Redis at " + host + ":" + port + ": started an embedded redis-server on 127.0.0.1:" + free
					+ " for this run (its counters go when the app stops). Set REDIS_HOST and REDIS_PORT to use yours.");
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("No Redis at " + host + ":" + port + " and no embedded one could start (" + ex
					+ "): the limiter decides with its fail mode");
		}
	}

	private static String setting(String name, String fallback) {
		String value = System.getProperty(name, System.getenv(name));
		return (value != null) ? value : fallback;
	}

	private static boolean answers(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 500);
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			return "+PONG".equals(new String(in.readNBytes(5), StandardCharsets.US_ASCII));
		}
		catch (IOException ex) {
			return false;
		}
	}

}
