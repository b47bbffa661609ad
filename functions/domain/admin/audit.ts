import type { AuditPage } from '../ports.ts';
import { type Actor, requireAllowed } from './actor.ts';
import { type AdminDeps, targetUser } from './users.ts';

const DAY_MS = 86_400_000;
export const AUDIT_PAGE_MAX = 500;

/**
 * Reading the audit trail: the events about one user (a tenant admin: of their own tenant's users;
 * another tenant's user is not found), or — a global administrator only — every event, day by day
 * over at most 31 days; optionally of one type; newest first, paged. Without a range, the last 7 days.
 */
export async function auditEvents(
  deps: AdminDeps,
  actor: Actor,
  input: { email?: string; type?: string; from?: number; to?: number; limit?: number; cursor?: string },
): Promise<AuditPage> {
  let target: string | undefined;
  if (input.email) target = (await targetUser(deps, actor, 'audit.read', input.email)).id;
  // Every tenant's events at once: a global administrator's (tenant-scoped queries are not built yet).
  else await requireAllowed(deps, actor, 'audit.read', {});
  const to = input.to ?? deps.clock.now().getTime();
  const from = input.from ?? to - 7 * DAY_MS;
  const limit = Math.min(Math.max(1, Math.floor(input.limit ?? 50)), AUDIT_PAGE_MAX);
  return deps.auditLog.query({
    from,
    to,
    limit,
    ...(target ? { target } : {}),
    ...(input.type ? { type: input.type } : {}),
    ...(input.cursor ? { cursor: input.cursor } : {}),
  });
}
