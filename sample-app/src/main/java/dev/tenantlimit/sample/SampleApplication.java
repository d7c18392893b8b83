package dev.tenantlimit.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** A small multi-tenant notes API; TenantLimit resolves each request's tenant and limits it. */
@SpringBootApplication
@EnableConfigurationProperties(DemoProperties.class)
public class SampleApplication {

	public static void main(String[] args) {
		DevelopmentRedis.startIfNoneAnswers();
		SpringApplication.run(SampleApplication.class, args);
	}

}
