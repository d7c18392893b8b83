package dev.tenantlimit.tenant;

import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Tenant#isValidId} is a loop; it must accept exactly what {@link Tenant#ID_PATTERN} does. */
class TenantIdTests {

	@Test
	void acceptsWhatThePatternAccepts() {
		String[] ids = { "acme", "a", "0", "a-b_c", "a".repeat(64), "a".repeat(65), "", "-a", "_a", "Acme", "a b",
				"a.b", "é", "a\u0000", "a-", "9_", "a/b", "ａ" };
		for (String id : ids) {
			assertThat(Tenant.isValidId(id)).as(id).isEqualTo(Tenant.ID_PATTERN.matcher(id).matches());
		}
		assertThat(Tenant.isValidId(null)).isFalse();
	}

	@Test
	void agreesWithThePatternOnRandomIds() {
		Random random = new Random(42);
		String alphabet = "az09_-AZ. /é";
		for (int n = 0; n < 100_000; n++) {
			StringBuilder id = new StringBuilder();
			int length = random.nextInt(68);
			for (int i = 0; i < length; i++) {
				id.append(alphabet.charAt(random.nextInt(alphabet.length())));
			}
			String text = id.toString();
			assertThat(Tenant.isValidId(text)).as(text).isEqualTo(Tenant.ID_PATTERN.matcher(text).matches());
		}
	}

}
