package dev.tenantlimit.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import javax.crypto.SecretKey;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tenantlimit.security.ApiKeyTenantResolver;
import dev.tenantlimit.security.JwtJson;
import dev.tenantlimit.tenant.ApiKeys;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantCache;
import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST {base}/token}: trades a tenant's API key for a short-lived JWT signed with
 * {@code tenantlimit.jwt.secret}, so clients can skip the key lookup on every request. Open to
 * tenants: the API key is the credential.
 */
@RestController
public class TokenExchangeController {

	private final ApiKeyTenantResolver apiKeys;

	private final TenantCache tenants;

	private final TokenSettings settings;

	public TokenExchangeController(ApiKeyTenantResolver apiKeys, TenantCache tenants, TokenSettings settings) {
		this.apiKeys = apiKeys;
		this.tenants = tenants;
		this.settings = settings;
	}

	@PostMapping("${tenantlimit.admin.base-path:/admin}/token")
	TokenResponse exchange(HttpServletRequest request) {
		String tenantId = this.apiKeys.resolveTenantId(request);
		if (tenantId == null) {
			throw AdminRequestException.unauthorized("An API key is required");
		}
		Tenant tenant = this.tenants.tenant(tenantId)
			.orElseThrow(() -> AdminRequestException.unauthorized("Unknown tenant"));
		if (!tenant.isActive()) {
			throw new AdminRequestException(HttpStatus.FORBIDDEN, "tenant-suspended",
					"Tenant '" + tenantId + "' is suspended", List.of());
		}
		Instant now = Instant.now();
		JwtBuilder token = Jwts.builder()
			.json(JwtJson.serializer())
			.subject(tenantId)
			.claim(this.settings.tenantClaim(), tenantId)
			// revoking the key (or deleting the tenant) revokes the token on every instance
			.claim(ApiKeys.TOKEN_CLAIM, ApiKeys.hash(this.apiKeys.apiKey(request)))
			.issuedAt(Date.from(now))
			.expiration(Date.from(now.plus(this.settings.lifetime())));
		if (this.settings.issuer() != null) {
			token.issuer(this.settings.issuer());
		}
		if (this.settings.audience() != null) {
			token.audience().add(this.settings.audience());
		}
		return new TokenResponse(token.signWith(this.settings.key()).compact(), "Bearer",
				this.settings.lifetime().toSeconds());
	}

	/**
	 * How exchanged tokens are made.
	 *
	 * @param key the HMAC key of {@code tenantlimit.jwt.secret}
	 * @param tenantClaim the claim that carries the tenant id
	 * @param lifetime how long a token is valid
	 * @param issuer {@code iss} to set, if the resolver requires one
	 * @param audience {@code aud} to set, if the resolver requires one
	 */
	public record TokenSettings(SecretKey key, String tenantClaim, Duration lifetime, @Nullable String issuer,
			@Nullable String audience) {

	}

	/** OAuth 2.0 style token answer. */
	public record TokenResponse(@JsonProperty("access_token") String accessToken,
			@JsonProperty("token_type") String tokenType, @JsonProperty("expires_in") long expiresIn) {

	}

}
