package dev.tenantlimit.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.PublicKey;

import javax.crypto.SecretKey;

import dev.tenantlimit.security.JwtJson;
import dev.tenantlimit.security.JwtLifetimePolicy;
import dev.tenantlimit.security.JwtTenantResolver;
import dev.tenantlimit.security.PemPublicKeys;
import dev.tenantlimit.tenant.TenantCache;
import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.JwtParserBuilder;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.security.Keys;
import io.jsonwebtoken.security.UnsupportedKeyException;
import io.jsonwebtoken.security.WeakKeyException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.Resource;

/**
 * The bearer-token resolver, when {@code tenantlimit.jwt.secret} or
 * {@code tenantlimit.jwt.public-key} is set. A weak secret or an unreadable key fails start-up
 * with a message naming the property, never its value.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(TenantLimitJwtConfiguration.OnJwtKeyCondition.class)
class TenantLimitJwtConfiguration {

	@Bean
	@Order(TenantLimitWebAutoConfiguration.JWT_ORDER)
	@ConditionalOnMissingBean
	JwtTenantResolver jwtTenantResolver(TenantLimitProperties properties, TenantCache tenantCache) {
		TenantLimitProperties.Jwt jwt = properties.getJwt();
		return new JwtTenantResolver(parser(jwt), jwt.getTenantClaim(),
				new JwtLifetimePolicy(jwt.isRequireExpiry(), jwt.getMaxLifetime(), jwt.getClockSkew()), tenantCache,
				jwt.getCacheSize());
	}

	/** The parser of tenant tokens. */
	static JwtParser parser(TenantLimitProperties.Jwt jwt) {
		return parser(jwt, jwt.getSecret(), jwt.getPublicKey(), "tenantlimit.jwt");
	}

	/** The parser of admin tokens: the admin keys, the tenants' issuer, audience and skew. */
	static JwtParser adminParser(TenantLimitProperties properties) {
		TenantLimitProperties.AdminJwt admin = properties.getAdmin().getJwt();
		return parser(properties.getJwt(), admin.getSecret(), admin.getPublicKey(), "tenantlimit.admin.jwt");
	}

	private static JwtParser parser(TenantLimitProperties.Jwt jwt, @Nullable String secretText,
			@Nullable Resource publicKeyResource, String prefix) {
		SecretKey secret = (secretText != null) ? hmacKey(secretText, prefix + ".secret") : null;
		PublicKey publicKey = (publicKeyResource != null) ? publicKey(publicKeyResource, prefix + ".public-key") : null;
		JwtParserBuilder builder = Jwts.parser()
			.json(JwtJson.deserializer())
			.keyLocator(new KeyByAlgorithm(secret, publicKey))
			.clockSkewSeconds(jwt.getClockSkew().toSeconds());
		if (jwt.getIssuer() != null) {
			builder.requireIssuer(jwt.getIssuer());
		}
		if (jwt.getAudience() != null) {
			builder.requireAudience(jwt.getAudience());
		}
		return builder.build();
	}

	private static SecretKey hmacKey(String secret, String property) {
		try {
			return Keys.hmacShaKeyFor(secret.getBytes(StandardCharsets.UTF_8));
		}
		catch (WeakKeyException ex) {
			throw new InvalidJwtKeyException(property,
					"an HMAC secret must be at least 32 bytes (256 bits) long; this one has "
							+ secret.getBytes(StandardCharsets.UTF_8).length + " bytes",
					"Set " + property + " to at least 32 random bytes, for example the output of "
							+ "'openssl rand -base64 48'.");
		}
	}

	private static PublicKey publicKey(Resource resource, String property) {
		try {
			return PemPublicKeys.parse(resource.getContentAsString(StandardCharsets.UTF_8));
		}
		catch (IOException | IllegalArgumentException ex) {
			throw new InvalidJwtKeyException(property,
					"cannot read an RSA or EC public key in PEM form from " + resource + ": " + ex.getMessage(),
					"Point " + property + " at a PEM file holding a '-----BEGIN PUBLIC KEY-----' block, "
							+ "for example 'file:/etc/keys/jwt.pub' or 'classpath:jwt.pub'.");
		}
	}

	/** HS* tokens are verified with the secret, every other algorithm with the public key. */
	private static final class KeyByAlgorithm extends LocatorAdapter<Key> {

		private final @Nullable SecretKey secret;

		private final @Nullable PublicKey publicKey;

		KeyByAlgorithm(@Nullable SecretKey secret, @Nullable PublicKey publicKey) {
			this.secret = secret;
			this.publicKey = publicKey;
		}

		@Override
		protected Key locate(JwsHeader header) {
			String algorithm = String.valueOf(header.getAlgorithm());
			Key key = algorithm.startsWith("HS") ? this.secret : this.publicKey;
			if (key == null) {
				throw new UnsupportedKeyException("No key configured for algorithm " + algorithm);
			}
			return key;
		}

	}

	static class OnJwtKeyCondition extends AnyNestedCondition {

		OnJwtKeyCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty("tenantlimit.jwt.secret")
		static class Secret {

		}

		@ConditionalOnProperty("tenantlimit.jwt.public-key")
		static class PublicKeyResource {

		}

	}

}
