package dev.tenantlimit.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.tenantlimit.testapp.TestApplication;
import dev.tenantlimit.testapp.TestDatabases;
import dev.tenantlimit.testapp.TestTokens;
import io.jsonwebtoken.Jwts;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.hamcrest.Matchers.both;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Every admin endpoint, its validation and its security, against real Redis and H2. */
@SpringBootTest(classes = TestApplication.class,
		properties = { "tenantlimit.jwt.secret=" + TestTokens.SECRET,
				"tenantlimit.admin.jwt.secret=" + TestTokens.ADMIN_SECRET, "spring.data.redis.host=127.0.0.1",
				"spring.data.redis.port=${tenantlimit.test.redis.port:6379}" })
@AutoConfigureMockMvc
class AdminApiIntegrationTests {

	@DynamicPropertySource
	static void isolate(DynamicPropertyRegistry registry) {
		TestDatabases.isolate(registry);
	}

	@Autowired
	private MockMvc mvc;

	private String id;

	@BeforeEach
	void createTenant() throws Exception {
		this.id = "t-" + UUID.randomUUID().toString().substring(0, 8);
		admin(post("/admin/tenants").content("{\"id\":\"" + this.id + "\",\"name\":\"Acme\"}"))
			.andExpect(status().isCreated());
	}

	@Test
	void onlyTheAdminRoleGetsIn() throws Exception {
		String key = createKey();
		this.mvc.perform(get("/admin/tenants"))
			.andExpect(status().isUnauthorized())
			.andExpect(header().string("WWW-Authenticate", containsString("Basic realm=\"tenantlimit-admin\"")))
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
		this.mvc.perform(get("/admin/tenants").with(httpBasic("admin", "wrong"))).andExpect(status().isUnauthorized());
		this.mvc.perform(get("/admin/tenants").with(httpBasic("alice", "alice-secret")))
			.andExpect(status().isForbidden())
			.andExpect(jsonPath("$.type", endsWith("/forbidden")));
		this.mvc.perform(get("/admin/tenants").header("Authorization", "Bearer " + TestTokens.forTenant(this.id)))
			// a tenant's key verifies no admin token
			.andExpect(status().isUnauthorized());
		this.mvc.perform(get("/admin/tenants").header("X-API-Key", key)).andExpect(status().isUnauthorized());
		this.mvc.perform(get("/admin/tenants").header("Authorization", "Bearer not.a.jwt"))
			.andExpect(status().isUnauthorized());
		this.mvc.perform(get("/admin/tenants").header("Authorization", "Bearer " + adminToken("SOMETHING_ELSE")))
			.andExpect(status().isForbidden());
		this.mvc.perform(get("/admin/tenants").header("Authorization", "Bearer " + adminToken("TENANTLIMIT_ADMIN")))
			.andExpect(status().isOk());
		String mintedWithTheTenantsKey = Jwts.builder()
			.subject("ops")
			.claim("roles", List.of("TENANTLIMIT_ADMIN"))
			.expiration(Date.from(Instant.now().plus(Duration.ofMinutes(5))))
			.signWith(TestTokens.KEY)
			.compact();
		this.mvc.perform(get("/admin/tenants").header("Authorization", "Bearer " + mintedWithTheTenantsKey))
			.andExpect(status().isUnauthorized());
		String forever = Jwts.builder().subject("ops").claim("roles", List.of("TENANTLIMIT_ADMIN"))
			.signWith(TestTokens.ADMIN_KEY).compact();
		this.mvc.perform(get("/admin/tenants").header("Authorization", "Bearer " + forever))
			.andExpect(status().isUnauthorized());
		String aDay = Jwts.builder().subject("ops").claim("roles", List.of("TENANTLIMIT_ADMIN"))
			.expiration(Date.from(Instant.now().plus(Duration.ofDays(1))))
			.signWith(TestTokens.ADMIN_KEY).compact();
		this.mvc.perform(get("/admin/tenants").header("Authorization", "Bearer " + aDay))
			// admin tokens live at most tenantlimit.admin.jwt.max-lifetime
			.andExpect(status().isUnauthorized());
		this.mvc.perform(get("/admin/tenants").with(httpBasic("admin", "admin-secret"))).andExpect(status().isOk());
	}

	@Test
	void createsTenantsAndRefusesBadOnes() throws Exception {
		admin(get("/admin/tenants/" + this.id)).andExpect(status().isOk())
			.andExpect(jsonPath("$.name").value("Acme"))
			.andExpect(jsonPath("$.status").value("ACTIVE"));
		admin(post("/admin/tenants").content("{\"id\":\"" + this.id + "\",\"name\":\"Again\"}"))
			.andExpect(status().isConflict())
			.andExpect(jsonPath("$.type", endsWith("/conflict")));
		admin(post("/admin/tenants").content("{\"id\":\"Bad Id!\",\"name\":\"x\"}")).andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0]", containsString("id must match")));
		admin(post("/admin/tenants").content("{\"id\":\"" + "a".repeat(65) + "\",\"name\":\"x\"}"))
			.andExpect(status().isBadRequest());
		admin(post("/admin/tenants").content("{\"id\":\"fine-id\"}")).andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0]", containsString("name")));
		admin(post("/admin/tenants").content("{\"id\":\"fine-id\",\"name\":\"x\",\"plan\":\"nope\"}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0]", containsString("plan 'nope' does not exist")));
		admin(post("/admin/tenants").content("{not json")).andExpect(status().isBadRequest())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
		admin(get("/admin/tenants/fine-id")).andExpect(status().isNotFound());
	}

	@Test
	void createAnswersWithLocation() throws Exception {
		admin(post("/admin/tenants").content("{\"id\":\"" + this.id + "-l\",\"name\":\"L\"}"))
			.andExpect(status().isCreated())
			.andExpect(header().string("Location", endsWith("/admin/tenants/" + this.id + "-l")))
			.andExpect(jsonPath("$.id").value(this.id + "-l"));
	}

	@Test
	void listsTenantsInPages() throws Exception {
		admin(get("/admin/tenants?page=0&size=1")).andExpect(status().isOk())
			.andExpect(jsonPath("$.items", hasSize(1)))
			.andExpect(jsonPath("$.page").value(0))
			.andExpect(jsonPath("$.size").value(1))
			.andExpect(jsonPath("$.total").isNumber());
		admin(get("/admin/tenants?size=0")).andExpect(status().isBadRequest());
		admin(get("/admin/tenants?size=1000")).andExpect(status().isBadRequest());
		admin(get("/admin/tenants?page=abc")).andExpect(status().isBadRequest());
	}

	@Test
	void patchChangesOnlyWhatIsGivenAndSuspensionTakesEffect() throws Exception {
		tenantRequest().andExpect(status().isOk());
		admin(patch("/admin/tenants/" + this.id).content("{\"status\":\"SUSPENDED\"}")).andExpect(status().isOk())
			.andExpect(jsonPath("$.name").value("Acme"))
			.andExpect(jsonPath("$.status").value("SUSPENDED"));
		tenantRequest().andExpect(status().isForbidden());
		admin(patch("/admin/tenants/" + this.id).content("{\"status\":\"PAUSED\"}")).andExpect(status().isBadRequest());
		admin(patch("/admin/tenants/" + this.id).content("{\"name\":\"\"}")).andExpect(status().isBadRequest());
		admin(patch("/admin/tenants/nobody").content("{\"name\":\"x\"}")).andExpect(status().isNotFound());
		admin(patch("/admin/tenants/" + this.id).content("{\"status\":\"ACTIVE\",\"name\":\"Acme 2\"}"))
			.andExpect(jsonPath("$.name").value("Acme 2"));
		tenantRequest().andExpect(status().isOk());
	}

	@Test
	void deleteRemovesTenantKeysAndCounters() throws Exception {
		String key = createKey();
		this.mvc.perform(get("/api/whoami").header("X-API-Key", key)).andExpect(status().isOk());
		admin(delete("/admin/tenants/" + this.id)).andExpect(status().isNoContent());
		admin(get("/admin/tenants/" + this.id)).andExpect(status().isNotFound());
		admin(delete("/admin/tenants/" + this.id)).andExpect(status().isNotFound());
		this.mvc.perform(get("/api/whoami").header("X-API-Key", key)).andExpect(status().isUnauthorized());
	}

	@Test
	void replacesQuotasWhichApplyAtOnce() throws Exception {
		admin(put("/admin/tenants/" + this.id + "/quotas")
			.content("[{\"limit\":2,\"window\":\"1m\"},{\"limit\":1,\"window\":\"PT10S\",\"path\":\"/api/notes/**\",\"methods\":[\"post\"]}]"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$", hasSize(2)))
			.andExpect(jsonPath("$[0].id").isNumber())
			.andExpect(jsonPath("$[0].window").value("PT1M"))
			.andExpect(jsonPath("$[1].methods[0]").value("POST"));
		admin(get("/admin/tenants/" + this.id + "/quotas")).andExpect(jsonPath("$", hasSize(2)));
		tenantRequest().andExpect(status().isOk()).andExpect(header().string("RateLimit-Policy", "\"per-minute\";q=2;w=60"));
		tenantRequest().andExpect(status().isOk());
		tenantRequest().andExpect(status().isTooManyRequests());
	}

	@Test
	void shadowQuotaIsStoredAndNeverRefuses() throws Exception {
		admin(put("/admin/tenants/" + this.id + "/quotas").content("[{\"limit\":1,\"window\":\"1m\",\"shadow\":true}]"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$[0].shadow").value(true));
		for (int i = 0; i < 3; i++) {
			tenantRequest().andExpect(status().isOk()).andExpect(header().string("RateLimit", containsString("r=0")));
		}
		admin(get("/admin/tenants/" + this.id + "/usage")).andExpect(jsonPath("$[0].used").value(1));
	}

	@Test
	void algorithmBurstAndShardsAreStoredAndChecked() throws Exception {
		admin(put("/admin/tenants/" + this.id + "/quotas")
			.content("[{\"limit\":2,\"window\":\"1m\",\"algorithm\":\"token-bucket\",\"burst\":3},"
					+ "{\"limit\":5000,\"window\":\"1h\",\"algorithm\":\"sliding-counter\",\"lease\":false}]"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$[0].algorithm").value("token-bucket"))
			.andExpect(jsonPath("$[0].burst").value(3))
			.andExpect(jsonPath("$[0].shards").value(1))
			.andExpect(jsonPath("$[0].lease").value(true))
			.andExpect(jsonPath("$[1].algorithm").value("sliding-counter"))
			.andExpect(jsonPath("$[1].lease").value(false));
		admin(get("/admin/tenants/" + this.id + "/quotas")).andExpect(jsonPath("$[1].lease").value(false));
		// a bucket of 3 refilled at 2 a minute: three at once, then refused
		for (int i = 0; i < 3; i++) {
			tenantRequest().andExpect(status().isOk());
		}
		tenantRequest().andExpect(status().isTooManyRequests())
			.andExpect(jsonPath("$.retryAfter").value(both(greaterThanOrEqualTo(20)).and(lessThanOrEqualTo(31))));
		admin(put("/admin/tenants/" + this.id + "/quotas").content("[{\"limit\":9,\"window\":\"1m\",\"algorithm\":\"leaky\"},"
				+ "{\"limit\":9,\"window\":\"1m\",\"burst\":20},"
				+ "{\"limit\":9,\"window\":\"1m\",\"algorithm\":\"token-bucket\",\"burst\":0},"
				+ "{\"limit\":9,\"window\":\"1m\",\"shards\":0},{\"limit\":2,\"window\":\"1m\",\"shards\":3}]"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors", hasSize(5)))
			.andExpect(jsonPath("$.errors", hasItem(startsWith("[0].algorithm"))))
			.andExpect(jsonPath("$.errors", hasItem(startsWith("[1].burst"))))
			.andExpect(jsonPath("$.errors", hasItem(startsWith("[2].burst"))))
			.andExpect(jsonPath("$.errors", hasItem(startsWith("[3].shards"))))
			.andExpect(jsonPath("$.errors", hasItem(startsWith("[4].shards"))));
		admin(put("/admin/tenants/" + this.id + "/quotas").content("[{\"limit\":90,\"window\":\"1m\",\"shards\":2},"
				+ "{\"limit\":900,\"window\":\"1h\",\"shards\":3}]"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0]", startsWith("every quota must have the same shards")));
		admin(get("/admin/tenants/" + this.id + "/quotas")).andExpect(jsonPath("$", hasSize(2)))
			.andExpect(jsonPath("$[0].algorithm").value("token-bucket"));
	}

	@Test
	void aCostIsStoredShownAndChecked() throws Exception {
		admin(put("/admin/tenants/" + this.id + "/quotas").content("[{\"limit\":10,\"window\":\"1m\",\"cost\":5},"
				+ "{\"limit\":100,\"window\":\"1h\"}]"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$[0].cost").value(5))
			.andExpect(jsonPath("$[1].cost").value(1));
		tenantRequest().andExpect(status().isOk()).andExpect(header().string("RateLimit", containsString("r=5")));
		tenantRequest().andExpect(status().isOk());
		tenantRequest().andExpect(status().isTooManyRequests());
		admin(get("/admin/tenants/" + this.id + "/usage")).andExpect(jsonPath("$[0].used").value(10))
			.andExpect(jsonPath("$[1].used").value(2));
		admin(put("/admin/tenants/" + this.id + "/quotas").content("[{\"limit\":10,\"window\":\"1m\",\"cost\":0},"
				+ "{\"limit\":10,\"window\":\"1m\",\"cost\":11},"
				+ "{\"limit\":10,\"window\":\"1m\",\"shards\":2,\"cost\":6},"
				+ "{\"limit\":10,\"window\":\"1m\",\"algorithm\":\"token-bucket\",\"burst\":3,\"cost\":4}]"))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.errors", hasSize(4)))
			.andExpect(jsonPath("$.errors", hasItem("[0].cost must be a whole number from 1 (0 for a charged quota) to 1000000000000")))
			.andExpect(jsonPath("$.errors", hasItem(startsWith("[1].cost must be at most 10"))))
			.andExpect(jsonPath("$.errors", hasItem(startsWith("[2].cost must be at most 5"))))
			.andExpect(jsonPath("$.errors", hasItem(startsWith("[3].cost must be at most 3"))));
		admin(put("/admin/tenants/" + this.id + "/quotas").content("[{\"limit\":10,\"window\":\"1m\",\"cost\":\"lots\"}]"))
			.andExpect(status().isBadRequest());
		admin(get("/admin/tenants/" + this.id + "/quotas")).andExpect(jsonPath("$[0].cost").value(5));
	}

	@Test
	void chargedAndDelayAreStoredShownAndChecked() throws Exception {
		admin(put("/admin/tenants/" + this.id + "/quotas").content(
				"[{\"limit\":1000,\"window\":\"1m\",\"charged\":true,\"cost\":0},{\"limit\":5,\"window\":\"1s\",\"delay\":\"2s\"}]"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$[0].charged").value(true))
			.andExpect(jsonPath("$[0].cost").value(0))
			.andExpect(jsonPath("$[0].delay").value("PT0S"))
			.andExpect(jsonPath("$[1].charged").value(false))
			.andExpect(jsonPath("$[1].delay").value("PT2S"));
		admin(put("/admin/tenants/" + this.id + "/quotas").content("[{\"limit\":10,\"window\":\"1m\",\"cost\":0},"
				+ "{\"limit\":10,\"window\":\"1m\",\"delay\":\"31s\"},{\"limit\":10,\"window\":\"1m\",\"delay\":\"-1s\"},"
				+ "{\"limit\":10,\"window\":\"1m\",\"delay\":\"soon\"}]"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors", hasSize(4)))
			.andExpect(jsonPath("$.errors", hasItem(startsWith("[0].cost"))))
			.andExpect(jsonPath("$.errors", hasItem(startsWith("[1].delay must be a duration from 0 to 30s"))))
			.andExpect(jsonPath("$.errors", hasItem(startsWith("[2].delay"))))
			.andExpect(jsonPath("$.errors", hasItem(startsWith("[3].delay"))));
		admin(get("/admin/tenants/" + this.id + "/quotas")).andExpect(jsonPath("$[1].delay").value("PT2S"));
	}

	@Test
	void perIsStoredShownAndChecked() throws Exception {
		admin(put("/admin/tenants/" + this.id + "/quotas")
			.content("[{\"limit\":10,\"window\":\"1m\",\"per\":[\"client-ip\",\"claim:client_id\"]},{\"limit\":100,\"window\":\"1h\"}]"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$[0].per", hasSize(2)))
			.andExpect(jsonPath("$[0].per[1]").value("claim:client_id"))
			.andExpect(jsonPath("$[1].per", hasSize(0)));
		admin(put("/admin/tenants/" + this.id + "/quotas").content("[{\"limit\":10,\"window\":\"1m\",\"per\":[\"cookie:x\"]},"
				+ "{\"limit\":10,\"window\":\"1m\",\"per\":[\"path\",\"path\"]},"
				+ "{\"limit\":10,\"window\":\"1m\",\"per\":[null]},"
				+ "{\"limit\":10,\"window\":\"1m\",\"per\":[\"path\",\"client-ip\",\"header:a\",\"header:b\",\"header:c\"]}]"))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.errors", hasSize(4)))
			.andExpect(jsonPath("$.errors", hasItem(startsWith("[0].per must name client-ip"))))
			.andExpect(jsonPath("$.errors", hasItem(startsWith("[1].per must not name a dimension twice"))))
			.andExpect(jsonPath("$.errors", hasItem(startsWith("[2].a per dimension"))))
			.andExpect(jsonPath("$.errors", hasItem(startsWith("[3].per takes at most 4"))));
		admin(put("/admin/tenants/" + this.id + "/quotas").content("[{\"limit\":10,\"window\":\"1m\",\"per\":\"client-ip\"}]"))
			.andExpect(status().isBadRequest());
		admin(get("/admin/tenants/" + this.id + "/quotas")).andExpect(jsonPath("$[0].per", hasSize(2)));
	}

	@Test
	void invalidQuotasAreRefusedTogetherAndChangeNothing() throws Exception {
		admin(put("/admin/tenants/" + this.id + "/quotas").content("[{\"limit\":5,\"window\":\"1m\"}]"))
			.andExpect(status().isOk());
		admin(put("/admin/tenants/" + this.id + "/quotas").content("[{\"limit\":9,\"window\":\"1m\"},"
				+ "{\"limit\":0,\"window\":\"1m\"},{\"limit\":1,\"window\":\"367d\"},{\"limit\":1,\"window\":\"soon\"},"
				+ "{\"limit\":1,\"window\":\"500ms\"},{\"limit\":1,\"window\":\"1m\",\"path\":\"api\"},"
				+ "{\"limit\":1,\"window\":\"1m\",\"methods\":[\"FETCH\"]},{\"window\":\"1m\"}]"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors", hasSize(7)))
			.andExpect(jsonPath("$.errors", hasItem("[1].limit must be a whole number from 1 to 1000000000000")))
			.andExpect(jsonPath("$.errors", hasItem(startsWith("[2].window"))))
			.andExpect(jsonPath("$.errors", hasItem(startsWith("[5].path"))))
			.andExpect(jsonPath("$.errors", hasItem(startsWith("[6].methods"))));
		admin(put("/admin/tenants/" + this.id + "/quotas").content("{\"limit\":1}")).andExpect(status().isBadRequest());
		admin(put("/admin/tenants/" + this.id + "/quotas").content("[{\"limit\":\"many\",\"window\":\"1m\"}]"))
			.andExpect(status().isBadRequest());
		admin(get("/admin/tenants/" + this.id + "/quotas")).andExpect(jsonPath("$", hasSize(1)))
			.andExpect(jsonPath("$[0].limit").value(5));
		admin(put("/admin/tenants/nobody/quotas").content("[]")).andExpect(status().isNotFound());
	}

	@Test
	void usageIsReadWithoutCountingAndCanBeReset() throws Exception {
		admin(put("/admin/tenants/" + this.id + "/quotas").content("[{\"limit\":3,\"window\":\"1m\"}]"));
		tenantRequest();
		tenantRequest();
		for (int i = 0; i < 2; i++) {
			admin(get("/admin/tenants/" + this.id + "/usage")).andExpect(status().isOk())
				.andExpect(jsonPath("$[0].quotaId").isNumber())
				.andExpect(jsonPath("$[0].limit").value(3))
				.andExpect(jsonPath("$[0].window").value("PT1M"))
				.andExpect(jsonPath("$[0].used").value(2))
				.andExpect(jsonPath("$[0].remaining").value(1))
				.andExpect(jsonPath("$[0].resetAfterMs").isNumber());
		}
		tenantRequest().andExpect(status().isOk());
		tenantRequest().andExpect(status().isTooManyRequests());
		admin(delete("/admin/tenants/" + this.id + "/usage")).andExpect(status().isNoContent());
		admin(get("/admin/tenants/" + this.id + "/usage")).andExpect(jsonPath("$[0].used").value(0));
		tenantRequest().andExpect(status().isOk());
	}

	@Test
	void apiKeysAreShownOnceWorkAndStopWorkingWhenRevoked() throws Exception {
		String created = admin(post("/admin/tenants/" + this.id + "/api-keys").content("{\"name\":\"ci\"}"))
			.andExpect(status().isCreated())
			.andExpect(jsonPath("$.key", startsWith("tl_")))
			.andExpect(jsonPath("$.name").value("ci"))
			.andReturn()
			.getResponse()
			.getContentAsString();
		String key = JsonPath.read(created, "$.key");
		String keyId = JsonPath.read(created, "$.id");
		this.mvc.perform(get("/api/whoami").header("X-API-Key", key)).andExpect(status().isOk());
		admin(get("/admin/tenants/" + this.id + "/api-keys")).andExpect(jsonPath("$[0].id").value(keyId))
			.andExpect(jsonPath("$[0].prefix").value(key.substring(0, 8)))
			.andExpect(jsonPath("$[0].key").doesNotExist())
			.andExpect(content().string(org.hamcrest.Matchers.not(containsString(key))));
		admin(delete("/admin/tenants/" + this.id + "/api-keys/" + keyId)).andExpect(status().isNoContent());
		this.mvc.perform(get("/api/whoami").header("X-API-Key", key)).andExpect(status().isUnauthorized());
		admin(get("/admin/tenants/" + this.id + "/api-keys")).andExpect(jsonPath("$[0].revokedAt").isNotEmpty());
		admin(delete("/admin/tenants/" + this.id + "/api-keys/no-such-key")).andExpect(status().isNotFound());
		admin(post("/admin/tenants/" + this.id + "/api-keys").content("{}")).andExpect(status().isBadRequest());
	}

	@Test
	void plansGiveTheirQuotasToTenantsWithoutOwnOnes() throws Exception {
		String plan = "plan-" + this.id;
		admin(put("/admin/plans/" + plan).content("[{\"limit\":7,\"window\":\"1m\"}]")).andExpect(status().isOk())
			.andExpect(jsonPath("$.name").value(plan))
			.andExpect(jsonPath("$.quotas[0].limit").value(7));
		admin(patch("/admin/tenants/" + this.id).content("{\"plan\":\"" + plan + "\"}")).andExpect(status().isOk());
		tenantRequest().andExpect(header().string("RateLimit-Policy", "\"per-minute\";q=7;w=60"));
		admin(put("/admin/plans/" + plan).content("[{\"limit\":8,\"window\":\"1m\"}]")).andExpect(status().isOk());
		tenantRequest().andExpect(header().string("RateLimit-Policy", "\"per-minute\";q=8;w=60"));
		admin(get("/admin/plans")).andExpect(jsonPath("$[*].name", hasItem(plan)));
		admin(get("/admin/plans/" + plan)).andExpect(jsonPath("$.quotas", hasSize(1)));
		admin(get("/admin/plans/absent")).andExpect(status().isNotFound());
		admin(put("/admin/plans/Bad!").content("[]")).andExpect(status().isBadRequest());
	}

	@Test
	void tokenExchangeTurnsAnApiKeyIntoAShortLivedJwt() throws Exception {
		String key = createKey();
		String answer = this.mvc.perform(post("/admin/token").header("X-API-Key", key))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.token_type").value("Bearer"))
			.andExpect(jsonPath("$.expires_in").value(900))
			.andReturn()
			.getResponse()
			.getContentAsString();
		String token = JsonPath.read(answer, "$.access_token");
		this.mvc.perform(get("/api/whoami").header("Authorization", "Bearer " + token))
			.andExpect(jsonPath("$.tenant").value(this.id));
		this.mvc.perform(post("/admin/token")).andExpect(status().isUnauthorized());
		this.mvc.perform(post("/admin/token").header("X-API-Key", "tl_unknown"))
			.andExpect(status().isUnauthorized())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
		// the token does not open the admin API: the admin chain verifies with keys of its own
		this.mvc.perform(get("/admin/tenants").header("Authorization", "Bearer " + token))
			.andExpect(status().isUnauthorized());
	}

	@Test
	void everyChangeIsAudited() throws Exception {
		admin(patch("/admin/tenants/" + this.id).content("{\"name\":\"Renamed\"}"));
		admin(get("/admin/audit?tenant=" + this.id)).andExpect(status().isOk())
			.andExpect(jsonPath("$.total").value(2))
			.andExpect(jsonPath("$.items[0].action").value("tenant.update"))
			.andExpect(jsonPath("$.items[0].actor").value("admin"))
			.andExpect(jsonPath("$.items[0].before", containsString("\"name\":\"Acme\"")))
			.andExpect(jsonPath("$.items[0].after", containsString("\"name\":\"Renamed\"")))
			.andExpect(jsonPath("$.items[1].action").value("tenant.create"));
	}

	@Test
	void adminPathIsNotRateLimited() throws Exception {
		for (int i = 0; i < 5; i++) {
			admin(get("/admin/tenants/" + this.id)).andExpect(status().isOk())
				.andExpect(header().doesNotExist("RateLimit"));
		}
	}

	private ResultActions tenantRequest() throws Exception {
		return this.mvc.perform(get("/api/whoami").header("Authorization", "Bearer " + TestTokens.forTenant(this.id)));
	}

	private String createKey() throws Exception {
		String created = admin(post("/admin/tenants/" + this.id + "/api-keys").content("{\"name\":\"test\"}"))
			.andReturn()
			.getResponse()
			.getContentAsString();
		return JsonPath.read(created, "$.key");
	}

	private ResultActions admin(MockHttpServletRequestBuilder request) throws Exception {
		return this.mvc
			.perform(request.with(httpBasic("admin", "admin-secret")).contentType(MediaType.APPLICATION_JSON));
	}

	private static String adminToken(String... roles) {
		return Jwts.builder()
			.subject("ops")
			.claim("roles", List.of(roles))
			.expiration(Date.from(Instant.now().plus(Duration.ofMinutes(5))))
			.signWith(TestTokens.ADMIN_KEY)
			.compact();
	}

}
