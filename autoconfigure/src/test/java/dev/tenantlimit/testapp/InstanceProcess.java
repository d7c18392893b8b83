package dev.tenantlimit.testapp;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@link TestApplication} in a JVM of its own, started cold as a new pod is: what a test of
 * start-up behaviour needs, since the test's own JVM is warm. {@link #start} returns at once (so
 * several start together); {@link #awaitReady} waits until Spring Boot reports it ready.
 */
public final class InstanceProcess implements AutoCloseable {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final Process process;

	private final int port;

	private final Path log;

	private InstanceProcess(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
	}

	/** Start the application with these properties (without the leading {@code --}). */
	public static InstanceProcess start(String... properties) throws IOException {
		int port = freePort();
		Path log = Files.createTempFile("tl-instance-" + port + "-", ".log");
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
				"-cp", System.getProperty("java.class.path"), TestApplication.class.getName(), "--server.port=" + port,
				"--spring.main.banner-mode=off"));
		for (String property : properties) {
			command.add("--" + property);
		}
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		return new InstanceProcess(process, port, log);
	}

	public int port() {
		return this.port;
	}

	/** Wait until the application reports ready, at most {@code timeout}. */
	public InstanceProcess awaitReady(Duration timeout) throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("Instance on port " + this.port + " exited: " + tail());
			}
			try {
				if (Boolean.TRUE.equals(state().get("ready"))) {
					return this;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(50);
		}
		throw new IllegalStateException("Instance on port " + this.port + " not ready in " + timeout + ": " + tail());
	}

	/** The instance's fallback counters and readiness ({@code /diagnostics/state}). */
	public Map<String, Object> state() throws IOException, InterruptedException {
		HttpResponse<String> response = http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/diagnostics/state"))
					.timeout(Duration.ofSeconds(5))
					.build(),
				HttpResponse.BodyHandlers.ofString());
		return JsonMapper.shared().readValue(response.body(), new TypeReference<Map<String, Object>>() {
		});
	}

	/** The last lines the instance logged. */
	public String tail() {
		try {
			List<String> lines = Files.readAllLines(this.log);
			return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 40), lines.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex + ")";
		}
	}

	/** The whole log. */
	public String log() throws IOException {
		return Files.readString(this.log);
	}

	@Override
	public void close() throws Exception {
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor();
		}
		new File(this.log.toString()).delete();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
