package dev.tenantlimit.testapp;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One command to a Redis (or Sentinel) on a local port over RESP, without a client library. */
final class RedisCommand {

	private RedisCommand() {
	}

	/** The reply as redis-cli prints it when not on a terminal: array items one per line. */
	static String send(int port, String... args) throws IOException {
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

}
