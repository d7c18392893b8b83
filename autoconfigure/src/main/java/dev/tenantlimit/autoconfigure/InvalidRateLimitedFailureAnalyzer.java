package dev.tenantlimit.autoconfigure;

import dev.tenantlimit.annotation.InvalidRateLimitedException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a bad {@code @RateLimited} in two lines instead of a stack trace. */
class InvalidRateLimitedFailureAnalyzer extends AbstractFailureAnalyzer<InvalidRateLimitedException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidRateLimitedException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Fix the annotation: limit at least 1, window a duration of at least 1s (10s, 1m, PT1H), "
						+ "cost from 1 to the limit.",
				cause);
	}

}
