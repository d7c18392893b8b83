package dev.tenantlimit.sample;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The demo tenants the sample seeds at start-up.
 *
 * @param enabled whether to seed the demo tenants
 * @param apiKey API key of the "demo" tenant: a fixed, public value so the README's curl session
 * works; never do this outside a demo
 */
@ConfigurationProperties("sample.demo")
public record DemoProperties(boolean enabled, String apiKey) {

}
