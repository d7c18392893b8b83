package dev.tenantlimit.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.core.io.ByteArrayResource;

import static org.assertj.core.api.Assertions.assertThat;

class TenantLimitActuatorAutoConfigurationTests {

	@Test
	@SuppressWarnings("unchecked")
	void effectiveConfigurationMasksTheSecretAndDescribesResources() {
		TenantLimitProperties properties = new TenantLimitProperties();
		properties.getJwt().setSecret("a-very-secret-value-of-32-bytes-or-more");
		properties.getAdmin().getJwt().setSecret("the-admin-secret-value-of-32-bytes-or-more");
		properties.getJwt().setPublicKey(new ByteArrayResource(new byte[0], "the admin key"));
		Map<String, Object> configuration = TenantLimitActuatorAutoConfiguration.effectiveConfiguration(properties);
		Map<String, Object> jwt = (Map<String, Object>) configuration.get("jwt");
		assertThat(jwt).containsEntry("secret", "******").containsEntry("tenantClaim", "tenant_id");
		assertThat(configuration.toString()).doesNotContain("a-very-secret-value").doesNotContain("the-admin-secret-value");
		assertThat((String) jwt.get("publicKey")).contains("the admin key");
		assertThat(configuration).containsEntry("failMode", "LOCAL").containsKey("defaultQuotas");
		assertThat(configuration.toString()).doesNotContain("a-very-secret-value");
	}

	@Test
	void noSecretNoMask() {
		Map<String, Object> configuration = TenantLimitActuatorAutoConfiguration
			.effectiveConfiguration(new TenantLimitProperties());
		assertThat(((Map<?, ?>) configuration.get("jwt")).get("secret")).isNull();
	}

}
