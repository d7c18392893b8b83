package dev.tenantlimit.testapp;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.util.FileSystemUtils;

/**
 * A Redis Sentinel set of the test's own, as production runs one: a master, a replica of it and
 * three sentinels (quorum 2) that watch the master and promote the replica when the master is
 * down for {@value #DOWN_AFTER_MILLIS} ms. The redis-server binary in sentinel mode, free ports.
 */
public final class PrivateRedisSentinels implements AutoCloseable {

	/** The name the sentinels know the master by ({@code spring.data.redis.sentinel.master}). */
	public static final String MASTER_NAME = "tlmaster";

	static final int DOWN_AFTER_MILLIS = 1000;

	private final Path directory;

	private final Map<Integer, Process> servers = new HashMap<>();

	private final List<Integer> sentinelPorts = new ArrayList<>();

	private final List<Process> sentinels = new ArrayList<>();

	private final int firstMaster;

	private final int replica;

	private PrivateRedisSentinels(Path directory) throws IOException {
		this.directory = directory;
		this.firstMaster = freePort();
		this.replica = freePort();
	}

	public static PrivateRedisSentinels start() throws IOException, InterruptedException {
		PrivateRedisSentinels set = new PrivateRedisSentinels(Files.createTempDirectory("tl-sentinel"));
		// no redis-server outlives the test JVM, whatever happens to the test
		Runtime.getRuntime().addShutdownHook(new Thread(set::destroyAll));
		try {
			set.startAll();
		}
		catch (IOException | InterruptedException | RuntimeException ex) {
			set.close();
			throw ex;
		}
		return set;
	}

	private void startAll() throws IOException, InterruptedException {
		PrivateRedisSentinels set = this;
		set.startServer(set.firstMaster);
		set.startServer(set.replica, "--replicaof", "127.0.0.1", Integer.toString(set.firstMaster));
		await(() -> set.command(set.replica, "INFO", "replication").contains("master_link_status:up"),
				"the replica to sync");
		for (int i = 0; i < 3; i++) {
			set.startSentinel(freePort());
		}
		for (int port : set.sentinelPorts) {
			// each sentinel has found the replica and the two other sentinels
			await(() -> set.command(port, "SENTINEL", "CKQUORUM", MASTER_NAME).startsWith("OK")
					&& set.command(port, "SENTINEL", "REPLICAS", MASTER_NAME).contains(Integer.toString(set.replica)),
					"sentinel " + port);
		}
	}

	private void destroyAll() {
		this.sentinels.forEach(Process::destroyForcibly);
		this.servers.values().forEach(Process::destroyForcibly);
	}

	/** {@code spring.data.redis.sentinel.nodes}. */
	public String nodes() {
		return String.join(",", this.sentinelPorts.stream().map((port) -> "127.0.0.1:" + port).toList());
	}

	public int firstMaster() {
		return this.firstMaster;
	}

	public int replica() {
		return this.replica;
	}

	/** The master's port as the sentinels say now. */
	public int master() throws IOException {
		String reply = command(this.sentinelPorts.get(0), "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
		return Integer.parseInt(reply.substring(reply.indexOf('\n') + 1).trim());
	}

	/** Kill a server at once, as a crash would. */
	public void kill(int port) throws InterruptedException {
		this.servers.remove(port).destroyForcibly().waitFor();
	}

	public String command(int port, String... args) throws IOException {
		return RedisCommand.send(port, args);
	}

	private void startServer(int port, String... more) throws IOException {
		Path node = Files.createDirectories(this.directory.resolve(Integer.toString(port)));
		List<String> command = new ArrayList<>(List.of(TestServices.redisServer(), "--port", Integer.toString(port),
				"--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", node.toString()));
		command.addAll(List.of(more));
		this.servers.put(port, new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(new File(node.toFile(), "redis.log"))
			.start());
		try {
			await(() -> "PONG".equals(command(port, "PING")), "redis-server on " + port);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void startSentinel(int port) throws IOException {
		Path node = Files.createDirectories(this.directory.resolve(Integer.toString(port)));
		// a sentinel rewrites its configuration file as it learns the set: one file each
		Path config = node.resolve("sentinel.conf");
		Files.writeString(config, String.join("\n", "port " + port, "bind 127.0.0.1", "dir " + node,
				"sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + this.firstMaster + " 2",
				"sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER_MILLIS,
				"sentinel failover-timeout " + MASTER_NAME + " 10000",
				"sentinel parallel-syncs " + MASTER_NAME + " 1", ""));
		this.sentinels.add(new ProcessBuilder(TestServices.redisServer(), config.toString(), "--sentinel")
			.redirectErrorStream(true)
			.redirectOutput(new File(node.toFile(), "sentinel.log"))
			.start());
		this.sentinelPorts.add(port);
	}

	private static void await(Check check, String what) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (!passes(check)) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("timed out waiting for " + what);
			}
			Thread.sleep(50);
		}
	}

	private static boolean passes(Check check) {
		try {
			return check.ok();
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	@Override
	public void close() throws InterruptedException {
		for (Process process : this.sentinels) {
			process.destroyForcibly().waitFor();
		}
		for (Process process : this.servers.values()) {
			process.destroyForcibly().waitFor();
		}
		FileSystemUtils.deleteRecursively(this.directory.toFile());
	}

	@FunctionalInterface
	private interface Check {

		boolean ok() throws IOException;

	}

}
