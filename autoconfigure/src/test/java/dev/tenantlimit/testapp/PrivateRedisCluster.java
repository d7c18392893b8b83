package dev.tenantlimit.testapp;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.springframework.util.FileSystemUtils;

/**
 * A Redis Cluster of the test's own: three masters on free local ports, started with the
 * redis-server binary and joined with {@code redis-cli --cluster create}.
 */
public final class PrivateRedisCluster implements AutoCloseable {

	private final List<Integer> ports = new ArrayList<>();

	private final List<Process> processes = new ArrayList<>();

	private final Path directory;

	private PrivateRedisCluster(Path directory) {
		this.directory = directory;
	}

	public static PrivateRedisCluster start(int masters) throws IOException, InterruptedException {
		PrivateRedisCluster cluster = new PrivateRedisCluster(Files.createTempDirectory("tl-cluster"));
		for (int i = 0; i < masters; i++) {
			cluster.startNode(freePort());
		}
		cluster.create();
		return cluster;
	}

	public List<Integer> ports() {
		return List.copyOf(this.ports);
	}

	public List<String> nodes() {
		return this.ports.stream().map((port) -> "127.0.0.1:" + port).toList();
	}

	/** A node's reply to a command, as redis-cli prints it. */
	public String command(int port, String... args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes()).trim();
		process.waitFor(10, TimeUnit.SECONDS);
		return output;
	}

	private void startNode(int port) throws IOException {
		Path node = Files.createDirectories(this.directory.resolve(Integer.toString(port)));
		this.processes.add(new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
				"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--save", "", "--appendonly", "no",
				"--dir", node.toString())
			.redirectErrorStream(true)
			.redirectOutput(new File(node.toFile(), "redis.log"))
			.start());
		this.ports.add(port);
	}

	private void create() throws IOException, InterruptedException {
		for (int port : this.ports) {
			await(() -> "PONG".equals(command(port, "PING")), "node " + port);
		}
		List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
		command.addAll(nodes());
		command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IllegalStateException("redis-cli --cluster create failed:\n" + output);
		}
		for (int port : this.ports) {
			await(() -> command(port, "CLUSTER", "INFO").contains("cluster_state:ok"), "cluster state on " + port);
		}
	}

	private static void await(Check check, String what) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (!check.ok()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("timed out waiting for " + what);
			}
			Thread.sleep(50);
		}
	}

	/** A free port whose cluster bus port (+10000) is free too. */
	private static int freePort() throws IOException {
		for (int attempt = 0; attempt < 100; attempt++) {
			int port = ThreadLocalRandom.current().nextInt(20000, 40000);
			if (free(port) && free(port + 10000)) {
				return port;
			}
		}
		throw new IllegalStateException("no free port pair");
	}

	private static boolean free(int port) {
		try (ServerSocket socket = new ServerSocket(port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Override
	public void close() throws InterruptedException {
		for (Process process : this.processes) {
			process.destroyForcibly().waitFor();
		}
		FileSystemUtils.deleteRecursively(this.directory.toFile());
	}

	@FunctionalInterface
	private interface Check {

		boolean ok() throws IOException, InterruptedException;

	}

}
