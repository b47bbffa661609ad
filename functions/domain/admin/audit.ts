import type { AuditPage } from '../ports.ts';
import { type Actor, requireAllowed, requireMayAttempt } from './actor.ts';
import { type AdminDeps, targetUser } from './users.ts';

const DAY_MS = 86_400_000;
export const AUDIT_PAGE_MAX = 500;

/**
 * Reading the audit trail, newest first, paged, optionally of one type; without a range, the last 7
 * days. Either the events about one user (a tenant admin: of their own tenant's users; another
 * tenant's user is not found), or one tenant's events (a tenant admin: their own, the default when
 * they name none), or — a global administrator only — every event, day by day over at most 31 days.
 */
export async function auditEvents(
  deps: AdminDeps,
  actor: Actor,
  input: {
    email?: string;
    userId?: string;
    tenantId?: string;
    type?: string;
    from?: number;
    to?: number;
    limit?: number;
    cursor?: string;
  },
): Promise<AuditPage> {
  let target: string | undefined;
  let tenant = input.tenantId;
  const ref =
    input.userId !== undefined
      ? { userId: input.userId }
      : input.email !== undefined
        ? { email: input.email }
        : undefined;
  if (ref) target = (await targetUser(deps, actor, 'audit.read', ref)).id;
  else {
    const principal = await requireMayAttempt(deps, actor, 'audit.read');
    if (tenant === undefined && principal.kind === 'tenant-admin') tenant = principal.tenantId;
    // Without a tenant: every tenant's events at once, a global administrator's alone.
    await requireAllowed(deps, actor, 'audit.read', tenant === undefined ? {} : { tenantId: tenant });
  }
  const to = input.to ?? deps.clock.now().getTime();
  const from = input.from ?? to - 7 * DAY_MS;
  const limit = Math.min(Math.max(1, Math.floor(input.limit ?? 50)), AUDIT_PAGE_MAX);
  return deps.auditLog.query({
    from,
    to,
    limit,
    ...(target ? { target } : tenant !== undefined ? { tenant } : {}),
    ...(input.type ? { type: input.type } : {}),
    ...(input.cursor ? { cursor: input.cursor } : {}),
  });
}
