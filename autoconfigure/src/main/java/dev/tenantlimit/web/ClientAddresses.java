package dev.tenantlimit.web;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The client address a request without credentials is counted under: an IPv4 address as it is,
 * an IPv6 address reduced to its /64, and anything that is not an IP literal {@code unknown}.
 */
final class ClientAddresses {

	static final String UNKNOWN = "unknown";

	/** Digits, hex, dots and colons only: {@link InetAddress#getByName} then never asks DNS. */
	private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F.:]{2,45}");

	private ClientAddresses() {
	}

	static String counted(@Nullable String remoteAddress) {
		if (remoteAddress == null) {
			return UNKNOWN;
		}
		String literal = remoteAddress.startsWith("[") && remoteAddress.endsWith("]")
				? remoteAddress.substring(1, remoteAddress.length() - 1) : remoteAddress;
		if (!LITERAL.matcher(literal).matches() || (literal.indexOf(':') < 0 && literal.indexOf('.') < 0)) {
			return UNKNOWN;
		}
		try {
			InetAddress address = InetAddress.getByName(literal);
			if (address instanceof Inet4Address) {
				return address.getHostAddress();
			}
			if (address instanceof Inet6Address) {
				byte[] bytes = address.getAddress();
				StringBuilder prefix = new StringBuilder();
				for (int i = 0; i < 8; i += 2) {
					prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
				}
				return prefix.append(":/64").toString();
			}
		}
		catch (UnknownHostException ex) {
			// not an address after all
		}
		return UNKNOWN;
	}

}
