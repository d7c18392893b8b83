package dev.tenantlimit.autoconfigure;

import dev.tenantlimit.annotation.InvalidRateLimitedException;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/** A bad {@code @RateLimited} is reported in two lines: what is wrong where, and what to do. */
class InvalidRateLimitedFailureAnalyzerTests {

	@Test
	void namesTheHandlerAndWhatAValidAnnotationHolds() {
		InvalidRateLimitedException bad = new InvalidRateLimitedException(
				"@RateLimited on com.example.Reports#create/1: window 'soon' is not a duration (10s, 1m, PT1H)",
				new IllegalArgumentException("soon"));
		FailureAnalysis analysis = new InvalidRateLimitedFailureAnalyzer()
			.analyze(new BeanCreationException("tenantLimitHandlerQuotas", "could not start", bad));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).isEqualTo(bad.getMessage());
		assertThat(analysis.getAction()).contains("limit at least 1").contains("cost from 1 to the limit");
	}

}
