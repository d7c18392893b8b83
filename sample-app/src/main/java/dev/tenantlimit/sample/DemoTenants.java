package dev.tenantlimit.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import dev.tenantlimit.autoconfigure.TenantLimitProperties;
import dev.tenantlimit.jdbc.JdbcTenantStore;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantStatus;
import dev.tenantlimit.security.JwtJson;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

/**
 * Seeds the plans "free" and "pro" and two tenants on first start, and prints how to call the API
 * as each: "demo" (on "free" but with its own 5 requests a minute, and the fixed demo API key) and
 * "other" (no plan: the configured defaults, with a JWT).
 */
@Component
@ConditionalOnBooleanProperty("sample.demo.enabled")
class DemoTenants implements ApplicationRunner {

	private static final Log logger = LogFactory.getLog(DemoTenants.class);

	private final JdbcTenantStore store;

	private final DemoProperties demo;

	private final TenantLimitProperties properties;

	DemoTenants(JdbcTenantStore store, DemoProperties demo, TenantLimitProperties properties) {
		this.store = store;
		this.demo = demo;
		this.properties = properties;
	}

	@Override
	public void run(ApplicationArguments args) {
		if (this.store.findTenant("demo").isEmpty()) {
			this.store.replacePlanQuotas("free", List.of(Quota.of(60, Duration.ofMinutes(1))));
			this.store.replacePlanQuotas("pro", List.of(Quota.of(600, Duration.ofMinutes(1))));
			this.store.createTenant(new Tenant("demo", "Demo Ltd", "free", TenantStatus.ACTIVE,
					List.of(Quota.of(5, Duration.ofMinutes(1)), Quota.of(1000, Duration.ofDays(1)))));
			this.store.addApiKey("demo", "demo key", this.demo.apiKey());
			this.store.createTenant(new Tenant("other", "Other GmbH", null, TenantStatus.ACTIVE, List.of()));
		}
		logger.info("""

				TenantLimit sample is ready. Try:
				  curl -i -H 'X-API-Key: %s' http://localhost:8080/api/whoami
				  curl -i -H 'Authorization: Bearer %s' http://localhost:8080/api/whoami
				""".formatted(this.demo.apiKey(), tokenFor("other")));
	}

	private String tokenFor(String tenant) {
		String secret = this.properties.getJwt().getSecret();
		return Jwts.builder()
			.json(JwtJson.serializer())
			.claim("tenant_id", tenant)
			.expiration(Date.from(Instant.now().plus(Duration.ofHours(12))))
			.signWith(Keys.hmacShaKeyFor(secret.getBytes(StandardCharsets.UTF_8)))
			.compact();
	}

}
