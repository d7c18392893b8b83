package dev.tenantlimit.benchmarks.bucket4j;

import org.springframework.boot.SpringApplication;

/**
 * The unchanged sample app plus {@link LettuceSyncBucket4jConfiguration}, started from the sample
 * app's jar with this module's jars on {@code loader.path} (see benchmarks/run.sh), so bucket4j
 * guards the very endpoint TenantLimit is measured on.
 */
public final class Bucket4jSampleApplication {

	private Bucket4jSampleApplication() {
	}

	public static void main(String[] args) throws ClassNotFoundException {
		Class<?> sample = Class.forName("dev.tenantlimit.sample.SampleApplication");
		SpringApplication.run(new Class<?>[] { sample, LettuceSyncBucket4jConfiguration.class }, args);
	}

}
