package dev.tenantlimit.testapp;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
 * redis-server binary and joined as {@code redis-cli --cluster create} joins them (slots split in
 * ranges, a config epoch each, CLUSTER MEET), without needing redis-cli.
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

	/** A node's reply to a command, as redis-cli prints it when not on a terminal. */
	public String command(int port, String... args) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
			for (String arg : args) {
				request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
			}
			OutputStream out = socket.getOutputStream();
			out.write(request.toString().getBytes(StandardCharsets.UTF_8));
			out.flush();
			return reply(new DataInputStream(new BufferedInputStream(socket.getInputStream())));
		}
	}

	private boolean answers(int port) {
		try {
			return "PONG".equals(command(port, "PING"));
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static String reply(DataInputStream in) throws IOException {
		String line = line(in);
		return switch (line.charAt(0)) {
			case '+', '-', ':' -> line.substring(1);
			case '$' -> {
				int length = Integer.parseInt(line.substring(1));
				if (length < 0) {
					yield "";
				}
				byte[] bulk = new byte[length + 2];
				in.readFully(bulk);
				yield new String(bulk, 0, length, StandardCharsets.UTF_8);
			}
			case '*' -> {
				List<String> items = new ArrayList<>();
				for (int i = Integer.parseInt(line.substring(1)); i > 0; i--) {
					items.add(reply(in));
				}
				yield String.join("\n", items);
			}
			default -> throw new IOException("Unexpected reply: " + line);
		};
	}

	private static String line(DataInputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		for (int c = in.read(); c != '\r'; c = in.read()) {
			if (c == -1) {
				throw new IOException("Connection closed");
			}
			line.append((char) c);
		}
		in.read();
		return line.toString();
	}

	private void startNode(int port) throws IOException {
		Path node = Files.createDirectories(this.directory.resolve(Integer.toString(port)));
		this.processes.add(new ProcessBuilder(TestServices.redisServer(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
				"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--save", "", "--appendonly", "no",
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
