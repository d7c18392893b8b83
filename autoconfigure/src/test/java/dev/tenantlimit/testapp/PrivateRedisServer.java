package dev.tenantlimit.testapp;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;

/**
 * A redis-server of the test's own on a free port, so a test can kill it, restart it or pause it
 * without touching the shared one.
 */
public final class PrivateRedisServer implements AutoCloseable {

	private final int port;

	private final File dataDirectory;

	private final boolean persistent;

	private Process process;

	private PrivateRedisServer(int port, boolean persistent) throws IOException {
		this.port = port;
		this.persistent = persistent;
		this.dataDirectory = Files.createTempDirectory("tl-redis-" + port).toFile();
	}

	/** A server without persistence: a restart starts it empty. */
	public static PrivateRedisServer start() throws IOException {
		return start(false);
	}

	/**
	 * @param persistent whether every write goes to an append-only file first
	 * ({@code appendfsync always}), so a restart after a kill finds every acknowledged write
	 */
	public static PrivateRedisServer start(boolean persistent) throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		PrivateRedisServer server = new PrivateRedisServer(port, persistent);
		server.restart();
		return server;
	}

	public int port() {
		return this.port;
	}

	/** Start (again) on the same port: empty, or with what it had when persistent. */
	public void restart() throws IOException {
		this.process = new ProcessBuilder(TestServices.redisServer(), "--port", Integer.toString(this.port), "--bind", "127.0.0.1",
				"--save", "", "--dir", this.dataDirectory.getAbsolutePath(), "--appendonly",
				this.persistent ? "yes" : "no", "--appendfsync", "always")
			.redirectErrorStream(true)
			.redirectOutput(new File(System.getProperty("java.io.tmpdir"), "tl-redis-" + this.port + ".log"))
			.start();
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!"+PONG".equals(command("PING"))) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("redis-server did not start on port " + this.port);
			}
			sleep(20);
		}
	}

	/** Kill it at once, as a crash would. */
	public void kill() throws InterruptedException {
		this.process.destroyForcibly().waitFor();
	}

	/** Send one inline command and read the first line of the reply; null when nothing answers. */
	public String command(String command) {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(2000);
			OutputStream out = socket.getOutputStream();
			out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
			out.flush();
			InputStream in = socket.getInputStream();
			StringBuilder line = new StringBuilder();
			for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
				line.append((char) c);
			}
			return line.toString();
		}
		catch (IOException ex) {
			return null;
		}
	}

	@Override
	public void close() throws InterruptedException {
		kill();
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
