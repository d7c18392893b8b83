package dev.tenantlimit.admin;

import java.util.List;
import java.util.function.Supplier;

import dev.tenantlimit.jdbc.JdbcAuditLog;
import dev.tenantlimit.jdbc.JdbcTenantStore;
import dev.tenantlimit.limiter.QuotaUsageReader;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.tenant.ApiKeyInfo;
import dev.tenantlimit.tenant.ApiKeys;
import dev.tenantlimit.tenant.Tenant;
import dev.tenantlimit.tenant.TenantChange;
import dev.tenantlimit.tenant.TenantChangePublisher;
import dev.tenantlimit.tenant.TenantStatus;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DuplicateKeyException;

/**
 * What the admin API does: validate, write the change and its audit entry in one transaction,
 * then tell every instance's cache. A request that fails validation changes nothing. A change of a
 * tenant (or plan) first locks its row, so concurrent changes of it follow one another: each
 * reads, as its audit entry's {@code before}, exactly what the previous one stored.
 */
public class TenantAdministration {

	private final JdbcTenantStore store;

	private final JdbcAuditLog audit;

	private final TenantChangePublisher changes;

	private final QuotaUsageReader usage;

	/** The quotas of tenants without their own, as configured now. */
	private final Supplier<List<Quota>> defaultQuotas;

	private final Supplier<String> actor;

	private final JsonMapper json;

	public TenantAdministration(JdbcTenantStore store, JdbcAuditLog audit, TenantChangePublisher changes,
			QuotaUsageReader usage, Supplier<List<Quota>> defaultQuotas, Supplier<String> actor, JsonMapper json) {
		this.store = store;
		this.audit = audit;
		this.changes = changes;
		this.usage = usage;
		this.defaultQuotas = defaultQuotas;
		this.actor = actor;
		this.json = json;
	}

	public TenantView createTenant(TenantRequest request) {
		String id = AdminRequests.tenantId(request.id());
		Tenant tenant = new Tenant(id, AdminRequests.name(request.name(), "name"), existingPlan(request.plan()),
				TenantStatus.ACTIVE, List.of());
		inTransaction(() -> {
			if (this.store.findTenantOnly(id).isPresent()) {
				throw AdminRequestException.conflict("Tenant '" + id + "'");
			}
			this.store.createTenant(tenant);
			record(id, "tenant.create", id, null, TenantView.of(tenant));
		});
		this.changes.publish(TenantChange.tenant(id));
		return TenantView.of(tenant);
	}

	public PageView<TenantView> listTenants(int page, int size) {
		AdminRequests.page(page, size);
		List<TenantView> items = this.store.listTenants(page * size, size).stream().map(TenantView::of).toList();
		return new PageView<>(items, page, size, this.store.countTenants());
	}

	public TenantView getTenant(String id) {
		return TenantView.of(tenant(id));
	}

	public TenantView updateTenant(String id, TenantPatch patch) {
		String name = (patch.name() != null) ? AdminRequests.name(patch.name(), "name") : null;
		String plan = (patch.plan() != null) ? existingPlan(patch.plan()) : null;
		TenantStatus status = (patch.status() != null) ? AdminRequests.status(patch.status()) : null;
		Tenant after = inTransaction(() -> {
			Tenant before = lockedTenant(id);
			Tenant changed = new Tenant(id, (name != null) ? name : before.name(),
					(patch.plan() != null) ? plan : before.plan(), (status != null) ? status : before.status(),
					List.of());
			this.store.updateTenant(changed);
			record(id, "tenant.update", id, TenantView.of(before), TenantView.of(changed));
			return changed;
		});
		this.changes.publish(TenantChange.tenant(id));
		return TenantView.of(after);
	}

	public void deleteTenant(String id) {
		Tenant before = inTransaction(() -> {
			lockedTenant(id);
			Tenant deleted = this.store.findTenant(id).orElseThrow();
			this.store.deleteTenant(id);
			record(id, "tenant.delete", id, TenantView.of(deleted), null);
			return deleted;
		});
		// its keys go too; forgetting every cached key is simpler than finding the tenant's
		this.changes.publish(TenantChange.all());
		this.usage.reset(id, effectiveQuotas(before));
	}

	public List<QuotaView> getQuotas(String id) {
		tenant(id);
		return QuotaView.of(this.store.findQuotas(id));
	}

	public List<QuotaView> replaceQuotas(String id, @Nullable List<QuotaRequest> requests) {
		List<Quota> quotas = AdminRequests.quotas(requests);
		List<Quota> stored = inTransaction(() -> {
			lockedTenant(id);
			List<QuotaView> before = QuotaView.of(this.store.findQuotas(id));
			List<Quota> replaced = this.store.replaceQuotas(id, quotas);
			record(id, "quotas.replace", id, before, QuotaView.of(replaced));
			return replaced;
		});
		this.changes.publish(TenantChange.tenant(id));
		return QuotaView.of(stored);
	}

	public List<UsageView> getUsage(String id) {
		Tenant tenant = this.store.findTenant(id).orElseThrow(() -> AdminRequestException.notFound("Tenant '" + id + "'"));
		return this.usage.usage(id, effectiveQuotas(tenant)).stream().map(UsageView::of).toList();
	}

	public void resetUsage(String id) {
		Tenant tenant = this.store.findTenant(id).orElseThrow(() -> AdminRequestException.notFound("Tenant '" + id + "'"));
		this.usage.reset(id, effectiveQuotas(tenant));
		inTransaction(() -> record(id, "usage.reset", id, null, null));
		this.changes.publish(TenantChange.tenant(id));
	}

	public NewApiKeyView createApiKey(String id, ApiKeyRequest request) {
		String name = AdminRequests.name(request.name(), "name");
		String key = ApiKeys.generate();
		NewApiKeyView created = inTransaction(() -> {
			lockedTenant(id);
			var info = this.store.addApiKey(id, name, key);
			record(id, "api-key.create", id + "/" + info.id(), null, ApiKeyView.of(info));
			return new NewApiKeyView(info.id(), name, key, info.createdAt());
		});
		this.changes.publish(TenantChange.apiKey(ApiKeys.hash(key)));
		return created;
	}

	public List<ApiKeyView> listApiKeys(String id) {
		tenant(id);
		return this.store.listApiKeys(id).stream().map(ApiKeyView::of).toList();
	}

	/** Revoke a key; revoking it again changes nothing and records nothing (204 all the same). */
	public void revokeApiKey(String id, String keyId) {
		String hash = inTransaction(() -> {
			lockedTenant(id);
			ApiKeyInfo before = this.store.findApiKey(id, keyId)
				.orElseThrow(() -> AdminRequestException.notFound("API key '" + keyId + "' of tenant '" + id + "'"));
			this.store.revokeApiKey(id, keyId)
				.ifPresent((after) -> record(id, "api-key.revoke", id + "/" + keyId, ApiKeyView.of(before),
						ApiKeyView.of(after)));
			return this.store.findApiKeyHash(id, keyId).orElseThrow();
		});
		this.changes.publish(TenantChange.apiKey(hash));
	}

	public List<PlanView> listPlans() {
		return this.store.listPlans().stream().map(this::getPlan).toList();
	}

	public PlanView getPlan(String plan) {
		String name = AdminRequests.tenantId(plan);
		if (!this.store.planExists(name)) {
			throw AdminRequestException.notFound("Plan '" + plan + "'");
		}
		return new PlanView(name, QuotaView.of(this.store.findPlanQuotas(name)));
	}

	public PlanView replacePlan(String plan, @Nullable List<QuotaRequest> requests) {
		String name = AdminRequests.plan(plan);
		if (name == null) {
			throw AdminRequestException.invalid("plan must match " + Tenant.ID_PATTERN.pattern());
		}
		List<Quota> quotas = AdminRequests.quotas(requests);
		Supplier<List<Quota>> replace = () -> inTransaction(() -> {
			// decided once: a second look in this transaction could see a plan another one just created
			boolean existed = this.store.lockPlan(name);
			if (!existed) {
				this.store.createPlan(name);
			}
			List<QuotaView> before = existed ? QuotaView.of(this.store.findPlanQuotas(name)) : null;
			List<Quota> replaced = this.store.replaceExistingPlanQuotas(name, quotas);
			record(null, "plan.replace", "plan:" + name, before, QuotaView.of(replaced));
			return replaced;
		});
		List<Quota> stored;
		try {
			stored = replace.get();
		}
		catch (DuplicateKeyException ex) {
			// another request created the plan meanwhile: now it exists, and its row can be locked
			stored = replace.get();
		}
		// every tenant on the plan changes
		this.changes.publish(TenantChange.all());
		return new PlanView(name, QuotaView.of(stored));
	}

	public PageView<AuditEntry> audit(@Nullable String tenantId, int page, int size) {
		AdminRequests.page(page, size);
		return new PageView<>(this.audit.list(tenantId, page * size, size), page, size, this.audit.count(tenantId));
	}

	private Tenant lockedTenant(String id) {
		return this.store.lockTenant(id).orElseThrow(() -> AdminRequestException.notFound("Tenant '" + id + "'"));
	}

	private Tenant tenant(String id) {
		return this.store.findTenantOnly(id).orElseThrow(() -> AdminRequestException.notFound("Tenant '" + id + "'"));
	}

	private @Nullable String existingPlan(@Nullable String plan) {
		String name = AdminRequests.plan(plan);
		if (name != null && !this.store.planExists(name)) {
			throw AdminRequestException.invalid("plan '" + name + "' does not exist");
		}
		return name;
	}

	private List<Quota> effectiveQuotas(Tenant tenant) {
		return tenant.quotas().isEmpty() ? this.defaultQuotas.get() : tenant.quotas();
	}

	private void record(@Nullable String tenantId, String action, String target, @Nullable Object before,
			@Nullable Object after) {
		this.audit.record(tenantId, this.actor.get(), action, target, toJson(before), toJson(after));
	}

	private @Nullable String toJson(@Nullable Object value) {
		return (value != null) ? this.json.writeValueAsString(value) : null;
	}

	private void inTransaction(Runnable work) {
		this.store.transactions().executeWithoutResult((status) -> work.run());
	}

	private <T> T inTransaction(Supplier<T> work) {
		return this.store.transactions().execute((status) -> work.get());
	}

}
