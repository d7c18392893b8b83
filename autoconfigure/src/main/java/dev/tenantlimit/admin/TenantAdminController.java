package dev.tenantlimit.admin;

import java.net.URI;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** {@code {base}/tenants}: tenants, their quotas, usage and API keys. */
@RestController
@RequestMapping("${tenantlimit.admin.base-path:/admin}/tenants")
public class TenantAdminController {

	private final TenantAdministration administration;

	public TenantAdminController(TenantAdministration administration) {
		this.administration = administration;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<TenantView> create(@RequestBody byte[] body) {
		TenantView created = this.administration.createTenant(AdminJson.read(body, TenantRequest.class));
		URI location = ServletUriComponentsBuilder.fromCurrentRequest().path("/{id}").build(created.id());
		return ResponseEntity.created(location).body(created);
	}

	@GetMapping
	PageView<TenantView> list(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
		return this.administration.listTenants(page, size);
	}

	@GetMapping("/{id}")
	TenantView get(@PathVariable String id) {
		return this.administration.getTenant(id);
	}

	@PatchMapping(path = "/{id}", consumes = { MediaType.APPLICATION_JSON_VALUE, "application/merge-patch+json" })
	TenantView update(@PathVariable String id, @RequestBody byte[] body) {
		return this.administration.updateTenant(id, AdminJson.read(body, TenantPatch.class));
	}

	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@PathVariable String id) {
		this.administration.deleteTenant(id);
	}

	@GetMapping("/{id}/quotas")
	List<QuotaView> quotas(@PathVariable String id) {
		return this.administration.getQuotas(id);
	}

	@PutMapping(path = "/{id}/quotas", consumes = MediaType.APPLICATION_JSON_VALUE)
	List<QuotaView> replaceQuotas(@PathVariable String id, @RequestBody byte[] body) {
		return this.administration.replaceQuotas(id, AdminJson.read(body, AdminJson.QUOTAS));
	}

	@GetMapping("/{id}/usage")
	List<UsageView> usage(@PathVariable String id) {
		return this.administration.getUsage(id);
	}

	@DeleteMapping("/{id}/usage")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void resetUsage(@PathVariable String id) {
		this.administration.resetUsage(id);
	}

	@PostMapping(path = "/{id}/api-keys", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<NewApiKeyView> createApiKey(@PathVariable String id, @RequestBody byte[] body) {
		ApiKeyRequest request = AdminJson.read(body, ApiKeyRequest.class);
		NewApiKeyView created = this.administration.createApiKey(id, request);
		URI location = ServletUriComponentsBuilder.fromCurrentRequest().path("/{keyId}").build(created.id());
		return ResponseEntity.created(location).body(created);
	}

	@GetMapping("/{id}/api-keys")
	List<ApiKeyView> apiKeys(@PathVariable String id) {
		return this.administration.listApiKeys(id);
	}

	@DeleteMapping("/{id}/api-keys/{keyId}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void revokeApiKey(@PathVariable String id, @PathVariable String keyId) {
		this.administration.revokeApiKey(id, keyId);
	}

}
