import { audit } from '../deps.ts';
import { normaliseEmail } from '../email.ts';
import { refuseForeignDomain } from '../federation/routing.ts';
import { invalid } from '../federation/settings.ts';
import {
  INVITATION_TTL_MS,
  type Inviter,
  invitationDigest,
  invitationLink,
  invitationMail,
  newInvitationId,
  newInvitationSecret,
} from '../invitations.ts';
import { type Invitation, NotFound } from '../ports.ts';
import { findTenant } from '../tenants.ts';
import { type Actor, actorId, requireAllowed } from './actor.ts';
import type { AdminDeps } from './users.ts';

/**
 * Inviting people into a tenant (MxID): an administrator, or a member where the app allows it, with
 * at most the roles they may give (actor.ts). Inviting an address that has an account looks the same
 * to the inviter as any other: the invitation says nothing about who exists. What the inviter sees
 * of an invitation never includes its link: that goes to the invited address only.
 */
export type InvitationView = Omit<Invitation, 'secretDigest'>;

const view = ({ secretDigest: _digest, ...rest }: Invitation): InvitationView => rest;

/** The inviter as the e-mail names them: by name, else as an administrator or a colleague. */
async function inviterName(deps: AdminDeps, actor: Actor): Promise<Inviter> {
  if (actor.kind !== 'user') return 'administrator';
  const user = await deps.users.findById(actor.userId);
  const name = user?.name || user?.email;
  return name ? { name } : 'colleague';
}

async function send(deps: AdminDeps, actor: Actor, invitation: Invitation, secret: string): Promise<void> {
  const [tenant, client, inviter] = await Promise.all([
    findTenant(deps, invitation.tenantId),
    invitation.clientId ? deps.clients.get(invitation.clientId) : null,
    inviterName(deps, actor),
  ]);
  await deps.mailer.send(
    await invitationMail({
      to: invitation.email,
      inviter,
      tenant: tenant?.name ?? invitation.tenantId,
      app: client ? String(client.metadata.client_name ?? client.clientId) : null,
      link: invitationLink(deps.config.issuer, invitation, secret),
      expiresAt: invitation.expiresAt,
    }),
  );
}

export async function inviteUser(
  deps: AdminDeps,
  actor: Actor,
  input: { tenantId: string; email: string; clientId?: string; roles?: string[] },
): Promise<InvitationView> {
  const roles = [...new Set(input.roles ?? [])];
  if (roles.length > 0 && !input.clientId) throw invalid('mapping');
  const target = { tenantId: input.tenantId, ...(input.clientId ? { clientId: input.clientId } : {}), roles };
  await requireAllowed(deps, actor, 'invitation.create', target);
  if (!(await findTenant(deps, input.tenantId))) throw invalid('unknown_tenant');
  if (input.clientId) {
    const client = await deps.clients.get(input.clientId);
    if (!client) throw new NotFound('client');
    if (roles.some((r) => !client.roles.includes(r))) throw invalid('mapping');
  }
  const { email, emailKey } = normaliseEmail(input.email);
  await refuseForeignDomain(deps, email, input.tenantId);
  // An invitation to the inviter's own address would hand them roles: asked as such (actor.ts).
  const existing = await deps.users.findIdByEmailKey(emailKey);
  if (existing) await requireAllowed(deps, actor, 'invitation.create', { ...target, userId: existing });
  const secret = newInvitationSecret();
  const now = deps.clock.now();
  const invitation: Invitation = {
    id: newInvitationId(),
    tenantId: input.tenantId,
    email,
    emailKey,
    ...(input.clientId ? { clientId: input.clientId } : {}),
    roles,
    invitedBy: actor,
    secretDigest: await invitationDigest(deps, secret),
    createdAt: now.toISOString(),
    expiresAt: now.getTime() + INVITATION_TTL_MS,
    status: 'pending',
  };
  await deps.invitations.create(invitation);
  await send(deps, actor, invitation, secret);
  await audit(deps, {
    type: 'invitation.created',
    outcome: 'success',
    actor: actorId(actor),
    target: invitation.id,
    tenant: invitation.tenantId,
    details: { tenant: invitation.tenantId, client: input.clientId ?? '', roles: roles.join(',') },
  });
  return view(invitation);
}

export async function listInvitations(
  deps: AdminDeps,
  actor: Actor,
  input: { tenantId: string },
): Promise<InvitationView[]> {
  await requireAllowed(deps, actor, 'invitation.read', { tenantId: input.tenantId });
  return (await deps.invitations.list(input.tenantId)).map(view);
}

/**
 * Replaces a pending invitation under the actor's rights (conditional on it being unchanged since it
 * was read), runs `then` on the new one, and audits it as `type`.
 */
async function changePending(
  deps: AdminDeps,
  actor: Actor,
  input: { tenantId: string; id: string },
  type: 'invitation.revoked' | 'invitation.resent',
  change: (current: Invitation) => Promise<Invitation>,
  then: (next: Invitation) => Promise<void> = async () => undefined,
): Promise<InvitationView> {
  await requireAllowed(deps, actor, 'invitation.revoke', { tenantId: input.tenantId });
  const current = await deps.invitations.get(input.tenantId, input.id);
  if (!current) throw new NotFound('invitation');
  if (current.status !== 'pending') throw invalid('invitation_used');
  const next = await change(current);
  if (!(await deps.invitations.replacePending(next, current.secretDigest))) throw invalid('invitation_used');
  await then(next);
  await audit(deps, {
    type,
    outcome: 'success',
    actor: actorId(actor),
    target: current.id,
    tenant: current.tenantId,
    details: { tenant: current.tenantId },
  });
  return view(next);
}

/** Revokes a pending invitation: its link stops working at once. */
export function revokeInvitation(
  deps: AdminDeps,
  actor: Actor,
  input: { tenantId: string; id: string },
): Promise<InvitationView> {
  return changePending(deps, actor, input, 'invitation.revoked', async (current) => ({
    ...current,
    status: 'revoked',
  }));
}

/** Sends a pending invitation again with a new link (the old one dies) and a new expiry. */
export function resendInvitation(
  deps: AdminDeps,
  actor: Actor,
  input: { tenantId: string; id: string },
): Promise<InvitationView> {
  const secret = newInvitationSecret();
  return changePending(
    deps,
    actor,
    input,
    'invitation.resent',
    async (current) => ({
      ...current,
      secretDigest: await invitationDigest(deps, secret),
      expiresAt: deps.clock.now().getTime() + INVITATION_TTL_MS,
    }),
    (renewed) => send(deps, actor, renewed, secret),
  );
}
