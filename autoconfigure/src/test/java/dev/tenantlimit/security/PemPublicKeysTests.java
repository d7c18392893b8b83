package dev.tenantlimit.security;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PemPublicKeysTests {

	@Test
	void readsRsaAndEcKeys() throws Exception {
		KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
		KeyPair ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
		assertThat(PemPublicKeys.parse(pem(rsa.getPublic()))).isInstanceOf(RSAPublicKey.class)
			.isEqualTo(rsa.getPublic());
		assertThat(PemPublicKeys.parse("comment before\n" + pem(ec.getPublic()))).isInstanceOf(ECPublicKey.class)
			.isEqualTo(ec.getPublic());
	}

	@Test
	void refusesTextWithoutAPublicKey() {
		assertThatIllegalArgumentException().isThrownBy(() -> PemPublicKeys.parse("not a key"))
			.withMessageContaining("BEGIN PUBLIC KEY");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PemPublicKeys.parse("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"))
			.withMessageContaining("neither an RSA nor an EC public key");
	}

	private static String pem(PublicKey key) {
		return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getEncoded())
				+ "\n-----END PUBLIC KEY-----\n";
	}

}
