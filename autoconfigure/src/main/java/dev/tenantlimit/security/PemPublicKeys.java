package dev.tenantlimit.security;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads an RSA or EC public key from PEM text ({@code -----BEGIN PUBLIC KEY-----}). */
public final class PemPublicKeys {

	private static final Pattern PEM = Pattern
		.compile("-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

	private PemPublicKeys() {
	}

	/**
	 * The public key in this PEM text.
	 * @throws IllegalArgumentException when the text holds no RSA or EC public key
	 */
	public static PublicKey parse(String pem) {
		Matcher matcher = PEM.matcher(pem);
		if (!matcher.find()) {
			throw new IllegalArgumentException("no '-----BEGIN PUBLIC KEY-----' block found");
		}
		byte[] der = Base64.getMimeDecoder().decode(matcher.group(1));
		for (String algorithm : new String[] { "RSA", "EC" }) {
			try {
				return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
			}
			catch (GeneralSecurityException ex) {
				// try the next algorithm
			}
		}
		throw new IllegalArgumentException("the key is neither an RSA nor an EC public key");
	}

}
