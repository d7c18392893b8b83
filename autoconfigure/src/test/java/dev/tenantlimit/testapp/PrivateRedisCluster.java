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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.springframework.util.FileSystemUtils;

/**
 * A Redis Cluster of the test's own: three masters on free local ports, started with the
 * redis-server binary and joined as {@code redis-cli --cluster create} joins them (slots split in
 * ranges, a config epoch each, CLUSTER MEET), without needing redis-cli.
 */
public final class PrivateRedisCluster implements AutoCloseable {

	static final int NODE_TIMEOUT_MILLIS = 1000;

	private final List<Integer> ports = new ArrayList<>();

	private final List<Process> processes = new ArrayList<>();

	private final Path directory;

	private final Map<Integer, Integer> replicaOf = new HashMap<>();

	/** Short only with replicas: a master a busy machine stalls for a second is failed over. */
	private final int nodeTimeoutMillis;

	private PrivateRedisCluster(Path directory, int nodeTimeoutMillis) {
		this.directory = directory;
		this.nodeTimeoutMillis = nodeTimeoutMillis;
	}

	public static PrivateRedisCluster start(int masters) throws IOException, InterruptedException {
		return start(masters, false);
	}

	/**
	 * @param withReplicas whether each master gets a replica, which the cluster promotes when its
	 * master has not answered for {@value #NODE_TIMEOUT_MILLIS} ms
	 */
	public static PrivateRedisCluster start(int masters, boolean withReplicas) throws IOException, InterruptedException {
		PrivateRedisCluster cluster = new PrivateRedisCluster(Files.createTempDirectory("tl-cluster"),
				withReplicas ? NODE_TIMEOUT_MILLIS : 15_000);
		// no redis-server outlives the test JVM, whatever happens to the test
		Runtime.getRuntime().addShutdownHook(new Thread(() -> cluster.processes.forEach(Process::destroyForcibly)));
		try {
			for (int i = 0; i < masters; i++) {
				cluster.startNode(freePort());
			}
			cluster.create();
			if (withReplicas) {
				for (int i = 0; i < masters; i++) {
					cluster.addReplica(cluster.ports.get(i));
				}
			}
		}
		catch (IOException | InterruptedException | RuntimeException ex) {
			cluster.close();
			throw ex;
		}
		return cluster;
	}

	/** The master's port for each replica's port. */
	public Map<Integer, Integer> replicas() {
		return Map.copyOf(this.replicaOf);
	}

	/** Kill a node at once, as a crash would. */
	public void kill(int port) throws InterruptedException {
		this.processes.get(this.ports.indexOf(port)).destroyForcibly().waitFor();
	}

	/** The port of the master that serves {@code key} now (a replica answers MOVED too). */
	public int masterOf(String key) {
		for (int port : this.ports) {
			try {
				if (!command(port, "GET", key).startsWith("MOVED") && isMaster(port)) {
					return port;
				}
			}
			catch (IOException ex) {
				// a node killed by the test
			}
		}
		throw new IllegalStateException("no master serves " + key);
	}

	/** Whether the node on {@code port} is a master, as it says of itself. */
	public boolean isMaster(int port) throws IOException {
		return command(port, "ROLE").startsWith("master");
	}

	public List<Integer> ports() {
		return List.copyOf(this.ports);
	}

	public List<String> nodes() {
		return this.ports.stream().map((port) -> "127.0.0.1:" + port).toList();
	}

	/** A node's reply to a command, as redis-cli prints it when not on a terminal. */
	public String command(int port, String... args) throws IOException {
		return RedisCommand.send(port, args);
	}

	private boolean answers(int port) {
		try {
			return "PONG".equals(command(port, "PING"));
		}
		catch (IOException ex) {
			return false;
		}
	}

	private void startNode(int port) throws IOException {
		Path node = Files.createDirectories(this.directory.resolve(Integer.toString(port)));
		this.processes.add(new ProcessBuilder(TestServices.redisServer(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
				"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
				"--cluster-node-timeout", Integer.toString(this.nodeTimeoutMillis), "--save", "", "--appendonly", "no",
				"--dir", node.toString())
			.redirectErrorStream(true)
			.redirectOutput(new File(node.toFile(), "redis.log"))
			.start());
		this.ports.add(port);
	}

	private void create() throws IOException, InterruptedException {
		for (int port : this.ports) {
			await(() -> answers(port), "node " + port);
		}
		int masters = this.ports.size();
		for (int i = 0; i < masters; i++) {
			int port = this.ports.get(i);
			List<String> addSlots = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
			for (int slot = 16384 * i / masters; slot < 16384 * (i + 1) / masters; slot++) {
				addSlots.add(Integer.toString(slot));
			}
			command(port, addSlots.toArray(String[]::new));
			command(port, "CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
		}
		for (int port : this.ports.subList(1, masters)) {
			command(this.ports.get(0), "CLUSTER", "MEET", "127.0.0.1", Integer.toString(port));
		}
		for (int port : this.ports) {
			await(() -> command(port, "CLUSTER", "INFO").contains("cluster_state:ok"), "cluster state on " + port);
		}
	}

	private void addReplica(int master) throws IOException, InterruptedException {
		int port = freePort();
		startNode(port);
		await(() -> answers(port), "node " + port);
		String masterId = command(master, "CLUSTER", "MYID");
		command(port, "CLUSTER", "MEET", "127.0.0.1", Integer.toString(master));
		await(() -> command(port, "CLUSTER", "NODES").contains(masterId), "node " + port + " to meet " + master);
		command(port, "CLUSTER", "REPLICATE", masterId);
		await(() -> command(port, "INFO", "replication").contains("master_link_status:up"), "replica " + port);
		for (int node : this.ports) {
			await(() -> command(node, "CLUSTER", "INFO").contains("cluster_state:ok"), "cluster state on " + node);
		}
		this.replicaOf.put(port, master);
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
