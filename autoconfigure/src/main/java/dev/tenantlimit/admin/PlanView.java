package dev.tenantlimit.admin;

import java.util.List;

/** A plan and the quotas every tenant on it gets unless it has its own. */
public record PlanView(String name, List<QuotaView> quotas) {

}
