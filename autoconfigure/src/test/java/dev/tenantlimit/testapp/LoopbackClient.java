package dev.tenantlimit.testapp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 requests sent from a chosen address of the loopback range (127.0.0.2, 127.0.0.3...),
 * so a server on 127.0.0.1 sees clients of different addresses; the JDK's client cannot bind one.
 */
public final class LoopbackClient {

	private LoopbackClient() {
	}

	/** The whole answer, status line, headers and body, as text. */
	public static String get(String from, int port, String path, String token) throws IOException {
		try (Socket socket = new Socket()) {
			socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			socket.setSoTimeout(10_000);
			String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
					+ ((token != null) ? "Authorization: Bearer " + token + "\r\n" : "") + "\r\n";
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream answer = new ByteArrayOutputStream();
			in.transferTo(answer);
			return answer.toString(StandardCharsets.UTF_8);
		}
	}

}
