import { randomBytes } from 'node:crypto';
import { Eta } from 'eta/core';
import { DEFAULT_LOCALE, fill, type Locale, loadMessages, pieces } from '../i18n/index.ts';
import { createUser, signedInBeforeReset } from './accounts.ts';
import { type Actor, authorize, principalOf } from './admin/actor.ts';
import { audit, auditTenant, type DomainDeps } from './deps.ts';
import { sameDigest } from './digests.ts';
import { refuseForeignDomain } from './federation/routing.ts';
import { invalid } from './federation/settings.ts';
import type { Invitation, User } from './ports.ts';

/**
 * Invitations, the invitee's side (MxID): the mailed link carries `<tenant>.<id>.<secret>`; only an
 * HMAC digest of the secret is stored, compared in constant time. A link works while its invitation
 * is pending and unexpired. Accepting needs a sign-in as the invited address in the invited tenant —
 * with a new account (its password set on the invitation page) or the existing one — and grants the
 * roles the inviter may still give at that moment (a role they lost meanwhile is not given).
 * Administration of invitations (invite, list, revoke, resend) is in admin/invitations.ts.
 */
export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

const TOKEN = /^([a-z0-9][a-z0-9-]{1,62})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

export const newInvitationId = () => randomBytes(16).toString('base64url');
export const newInvitationSecret = () => randomBytes(32).toString('base64url');

export const invitationDigest = (deps: DomainDeps, secret: string) =>
  deps.box.digest(`invitation\0${secret}`);

export function invitationLink(
  issuer: string,
  invitation: Pick<Invitation, 'tenantId' | 'id'>,
  secret: string,
) {
  return `${issuer.replace(/\/$/, '')}/invitation/${invitation.tenantId}.${invitation.id}.${secret}`;
}

/**
 * `<tenant>.<id>.<digest of its secret>`: how a sign-in in progress names the invitation it accepts
 * (kept server side); a resend changes the digest, so a sign-in begun from the old link accepts nothing.
 */
export const invitationRef = (invitation: Pick<Invitation, 'tenantId' | 'id' | 'secretDigest'>) =>
  `${invitation.tenantId}.${invitation.id}.${invitation.secretDigest}`;

const live = (deps: DomainDeps, i: Invitation | null): i is Invitation =>
  i !== null && i.status === 'pending' && i.expiresAt > deps.clock.now().getTime();

/** The pending, unexpired invitation a link names, or null (malformed, unknown, used, revoked, expired). */
export async function openInvitation(deps: DomainDeps, token: string): Promise<Invitation | null> {
  const m = TOKEN.exec(token);
  if (!m) return null;
  const [, tenantId = '', id = '', secret = ''] = m;
  const invitation = await deps.invitations.get(tenantId, id);
  if (!live(deps, invitation)) return null;
  return sameDigest(await invitationDigest(deps, secret), invitation.secretDigest) ? invitation : null;
}

/** What the invitation page shows. */
export interface InvitationView {
  ref: string;
  email: string;
  tenantId: string;
  tenantName: string;
  appName: string | null;
  roles: string[];
  /** The address has an account already: the invitee signs in to it instead of creating one. */
  hasAccount: boolean;
  /** The tenant's enabled connections: joining through one links that identity. */
  connections: Array<{ id: string; name: string }>;
  /** The tenant signs in through its connections only: no password account is created. */
  federationOnly: boolean;
}

export async function invitationView(deps: DomainDeps, invitation: Invitation): Promise<InvitationView> {
  const [tenant, client, existing, connections] = await Promise.all([
    deps.tenants.get(invitation.tenantId),
    invitation.clientId ? deps.clients.get(invitation.clientId) : null,
    deps.users.findIdByEmailKey(invitation.emailKey),
    deps.connections.list(),
  ]);
  const appName = client ? String(client.metadata.client_name ?? client.clientId) : null;
  return {
    ref: invitationRef(invitation),
    email: invitation.email,
    tenantId: invitation.tenantId,
    tenantName: tenant?.name ?? invitation.tenantId,
    appName,
    roles: invitation.roles,
    hasAccount: existing !== null,
    connections: connections
      .filter((c) => c.tenantId === invitation.tenantId && !c.disabled)
      .map((c) => ({ id: c.id, name: c.displayName })),
    federationOnly: tenant?.federationOnly === true,
  };
}

/**
 * Where an invitee goes to sign in and accept: the app's OIDC `initiate_login_uri` (third-party
 * initiated login, with `iss` and `login_hint`), so they land signed in at that app; otherwise
 * Sesame's own account page, which signs them in the same way.
 */
export function invitationStart(
  issuer: string,
  client: { initiateLoginUri?: string } | null,
  email: string,
): string {
  const initiate = client?.initiateLoginUri;
  if (typeof initiate !== 'string' || !initiate) return `${issuer.replace(/\/$/, '')}/account`;
  const url = new URL(initiate);
  url.searchParams.set('iss', issuer);
  url.searchParams.set('login_hint', email);
  return url.href;
}

/** A new account for the invited address in the invited tenant, its address proven by the mailed link. */
export async function createInvitedAccount(
  deps: DomainDeps,
  invitation: Invitation,
  input: { name: string; password: string },
): Promise<User> {
  await refuseForeignDomain(deps, invitation.email, invitation.tenantId);
  // Its people sign in through its connections: the invitee joins through one of them instead.
  if ((await deps.tenants.get(invitation.tenantId))?.federationOnly) throw invalid('federation_only');
  return createUser(deps, {
    email: invitation.email,
    name: input.name,
    password: input.password,
    tenantId: invitation.tenantId,
    emailVerified: true,
    actor: `invitation:${invitation.id}`,
  });
}

/**
 * Called when a sign-in that carries invitation `ref` finished as `userId`: accepts it (once) if it
 * is still live and the user is the invited address in the invited tenant, and grants the roles its
 * inviter may still give. True when accepted.
 */
export async function acceptInvitation(
  deps: DomainDeps,
  input: {
    ref: string;
    userId: string /** Set when accepted from an existing session: its sign-in time. */;
    signedInAt?: number;
  },
): Promise<boolean> {
  const [tenantId = '', id = '', digest = ''] = input.ref.split('.');
  const [invitation, user] = await Promise.all([
    deps.invitations.get(tenantId, id),
    deps.users.findById(input.userId),
  ]);
  if (!live(deps, invitation) || !user || user.disabled) return false;
  if (!sameDigest(digest, invitation.secretDigest)) return false; // resent meanwhile: the old link's sign-in
  if (input.signedInAt !== undefined && signedInBeforeReset(user, input.signedInAt)) return false;
  const refuse = async (reason: string) => {
    await audit(deps, {
      type: 'invitation.refused',
      outcome: 'failure',
      actor: user.id,
      target: invitation.id,
      tenant: invitation.tenantId,
      reason,
      details: { tenant: invitation.tenantId },
    });
    return false;
  };
  if (user.emailKey !== invitation.emailKey) return refuse('other_address');
  if (user.tenantId !== invitation.tenantId) return refuse('other_tenant');
  const accepted: Invitation = { ...invitation, status: 'accepted', acceptedBy: user.id };
  if (!(await deps.invitations.replacePending(accepted, invitation.secretDigest))) return false;

  const given: string[] = [];
  const withheld: string[] = [];
  if (invitation.clientId) {
    const inviter = await principalOf(deps, invitation.invitedBy as Actor);
    const [tenant, client] = await Promise.all([
      deps.tenants.get(tenantId),
      deps.clients.get(invitation.clientId),
    ]);
    const facts = {
      entitled: tenant?.entitlements?.[invitation.clientId] ?? [],
      memberInvites: client?.memberInvites === true,
    };
    for (const role of invitation.roles) {
      // Asked for this very invitee: an inviter never gives themselves a role this way.
      const target = { tenantId, clientId: invitation.clientId, roles: [role], userId: user.id };
      const still = client?.roles.includes(role) && authorize(inviter, 'invitation.create', target, facts);
      if (!still) {
        withheld.push(role);
        continue;
      }
      await deps.roles.grant(user.id, invitation.clientId, role);
      given.push(role);
      await audit(deps, {
        type: 'role.granted',
        outcome: 'success',
        actor: `invitation:${invitation.id}`,
        target: user.id,
        tenant: auditTenant(user),
        clientId: invitation.clientId,
        details: { role },
      });
    }
  }
  await audit(deps, {
    type: 'invitation.accepted',
    outcome: 'success',
    actor: user.id,
    target: invitation.id,
    tenant: tenantId,
    details: { tenant: tenantId, given: given.join(','), withheld: withheld.join(',') },
  });
  return true;
}

const eta = new Eta({ autoEscape: true, autoTrim: false });
const MAIL_HTML = `<p><%~ include('@rich', { parts: it.invites }) %></p>
<p><a href="<%= it.link %>"><%= it.t.inviteAccept %></a></p>
<p><%= it.until %></p>`;
eta.loadTemplate(
  '@rich',
  `<% for (const p of it.parts) { %><% if (p.name === 'tenant' || p.name === 'app') { %><strong><%= p.text %></strong><% } else { %><%= p.text %><% } %><% } %>`,
);

/** Who invites: a user by name; the operator or an automation client ('administrator'); a user since gone. */
export type Inviter = { name: string } | 'administrator' | 'colleague';

/**
 * The invitation e-mail: names and the link are escaped by Eta, never by hand. In English unless a
 * `locale` is given: whoever invites (the CLI, the admin API, the console) does not know the
 * invitee's language.
 */
export async function invitationMail(input: {
  to: string;
  inviter: Inviter;
  tenant: string;
  app: string | null;
  link: string;
  expiresAt: number;
  locale?: Locale;
}) {
  const t = (await loadMessages(input.locale ?? DEFAULT_LOCALE)).mail;
  const inviter =
    input.inviter === 'administrator'
      ? t.inviterAdmin
      : input.inviter === 'colleague'
        ? t.inviterColleague
        : input.inviter.name;
  const values = { inviter, tenant: input.tenant, app: input.app ?? '' };
  const invites = input.app ? t.invitesApp : t.invites;
  const until = fill(t.inviteUntil, { until: new Date(input.expiresAt).toUTCString() });
  const text = [fill(invites, values), fill(t.inviteLink, { link: input.link }), until].join('\n\n');
  const html = eta.renderString(MAIL_HTML, { t, invites: pieces(invites, values), link: input.link, until });
  return { to: input.to, subject: fill(t.inviteSubject, { tenant: input.tenant }), text, html };
}
