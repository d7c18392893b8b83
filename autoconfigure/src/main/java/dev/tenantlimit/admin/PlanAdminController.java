package dev.tenantlimit.admin;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code {base}/plans} and {@code {base}/audit}. */
@RestController
@RequestMapping("${tenantlimit.admin.base-path:/admin}")
public class PlanAdminController {

	private final TenantAdministration administration;

	public PlanAdminController(TenantAdministration administration) {
		this.administration = administration;
	}

	@GetMapping("/plans")
	List<PlanView> plans() {
		return this.administration.listPlans();
	}

	@GetMapping("/plans/{plan}")
	PlanView plan(@PathVariable String plan) {
		return this.administration.getPlan(plan);
	}

	@PutMapping(path = "/plans/{plan}", consumes = MediaType.APPLICATION_JSON_VALUE)
	PlanView replacePlan(@PathVariable String plan, @RequestBody byte[] body) {
		return this.administration.replacePlan(plan, AdminJson.read(body, AdminJson.QUOTAS));
	}

	@GetMapping("/audit")
	PageView<AuditEntry> audit(@RequestParam(required = false) @Nullable String tenant,
			@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
		return this.administration.audit(tenant, page, size);
	}

}
