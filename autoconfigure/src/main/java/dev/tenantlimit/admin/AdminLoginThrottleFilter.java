package dev.tenantlimit.admin;

import java.io.IOException;

import dev.tenantlimit.web.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * In the admin chain before authentication: an address with too many failed sign-ins gets 429
 * with {@code Retry-After} instead of another guess. A request with credentials counts as a
 * failure from its start; answered 401 it stays one, passed it clears the address's count.
 */
public class AdminLoginThrottleFilter extends OncePerRequestFilter {

	private final FailedAdminLogins failedLogins;

	private final ProblemResponses problems;

	public AdminLoginThrottleFilter(FailedAdminLogins failedLogins, ProblemResponses problems) {
		this.failedLogins = failedLogins;
		this.problems = problems;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		boolean signsIn = request.getHeader(HttpHeaders.AUTHORIZATION) != null;
		String address = request.getRemoteAddr();
		if (signsIn && !this.failedLogins.tryBegin(address)) {
			long retryAfter = this.failedLogins.retryAfterSeconds(address);
			response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
			this.problems.write(request, response, HttpStatus.TOO_MANY_REQUESTS, "too-many-failed-logins",
					"Too many failed sign-ins from this address; try again in " + retryAfter + "s");
			return;
		}
		boolean refused = true;
		boolean signedIn = false;
		try {
			chain.doFilter(request, response);
			refused = response.getStatus() == HttpServletResponse.SC_UNAUTHORIZED;
			signedIn = response.getStatus() < 400;
		}
		finally {
			if (signsIn) {
				this.failedLogins.ended(address, refused, signedIn);
			}
		}
	}

}
