package dev.tenantlimit.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a JWT key that cannot verify tokens without printing it. */
class InvalidJwtKeyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidJwtKeyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidJwtKeyException cause) {
		return new FailureAnalysis(cause.getMessage() + " (the value is not shown).", cause.action(), cause);
	}

}
