import { audit, auditTenant } from '../deps.ts';
import { DomainError } from '../errors.ts';
import { type CheckedCredential, type CredentialInput, checkCredential } from '../federation/credential.ts';
import { loggedOutUrl } from '../federation/logout.ts';
import {
  checkDomain,
  checkId,
  checkIssuer,
  checkName,
  checkScopes,
  entraIssuer,
  invalid,
} from '../federation/settings.ts';
import { callbackUrl } from '../federation/sign-in.ts';
import {
  type Connection,
  type ConnectionType,
  DEFAULT_TENANT,
  NotFound,
  type RoleMapping,
  type Tenant,
  type TenantDomain,
} from '../ports.ts';
import { findTenant } from '../tenants.ts';
import {
  type Action,
  type Actor,
  actorId,
  authorize,
  principalOf,
  requireAllowed,
  requireMayAttempt,
  type Target,
} from './actor.ts';
import { type AdminDeps, targetUser } from './users.ts';

/**
 * Tenants, their e-mail domains, connections to upstream identity providers and identity links, as
 * actor-scoped use cases (the CLI today; the admin API and console later). Client credentials go to
 * ConnectionSecrets and are never returned: a connection's view holds only the certificate's
 * thumbprint and expiry.
 */

export async function addTenant(
  deps: AdminDeps,
  actor: Actor,
  input: { id: string; name: string },
): Promise<Tenant> {
  await requireAllowed(deps, actor, 'tenant.create', {});
  const tenant = {
    id: checkId(input.id),
    name: checkName(input.name),
    createdAt: deps.clock.now().toISOString(),
  };
  if (!(await deps.tenants.create(tenant))) throw new DomainError('tenant_exists', tenant.id);
  await audit(deps, {
    type: 'tenant.created',
    outcome: 'success',
    actor: actorId(actor),
    target: tenant.id,
    tenant: tenant.id,
  });
  return tenant;
}

async function existingTenant(deps: AdminDeps, id: string): Promise<Tenant> {
  const tenant = await findTenant(deps, id);
  if (!tenant) throw invalid('unknown_tenant');
  return tenant;
}

export async function listTenants(deps: AdminDeps, actor: Actor): Promise<Tenant[]> {
  const principal = await requireMayAttempt(deps, actor, 'tenant.read');
  const stored = await deps.tenants.list();
  const withDefault = stored.some((t) => t.id === DEFAULT_TENANT)
    ? stored
    : [(await findTenant(deps, DEFAULT_TENANT)) as Tenant, ...stored];
  // A tenant administrator sees their own tenant only.
  return withDefault.filter((t) => authorize(principal, 'tenant.read', { tenantId: t.id }));
}

export async function showTenant(
  deps: AdminDeps,
  actor: Actor,
  id: string,
): Promise<{ tenant: Tenant; domains: TenantDomain[]; connections: string[] }> {
  await requireAllowed(deps, actor, 'tenant.read', { tenantId: id });
  const tenant = await findTenant(deps, id);
  if (!tenant) throw new NotFound('tenant');
  const [domains, connections] = await Promise.all([deps.tenants.domainsOf(id), deps.connections.list()]);
  return { tenant, domains, connections: connections.filter((c) => c.tenantId === id).map((c) => c.id) };
}

/**
 * The value a tenant publishes to prove a domain: derived from the tenant and the domain with the
 * server's key, so it stays the same however often the claim changes hands before it is proved.
 */
async function domainToken(deps: AdminDeps, tenantId: string, domain: string): Promise<string> {
  return (await deps.box.digest(`domain-proof\0${tenantId}\0${domain}`)).slice(0, 32);
}

/**
 * Proves a claimed domain by its DNS TXT record (domainProof): the tenant's administrators publish
 * it, then ask for the check. A proved domain is the tenant's alone and can route sign-ins.
 */
export async function verifyTenantDomain(
  deps: AdminDeps,
  actor: Actor,
  input: { tenantId: string; domain: string },
): Promise<TenantDomain> {
  await requireAllowed(deps, actor, 'tenant.update', { tenantId: input.tenantId });
  const domain = checkDomain(input.domain);
  const held = await deps.tenants.getDomain(domain);
  if (held?.tenantId !== input.tenantId) throw new NotFound('domain');
  if (held.verified) return held;
  const token = await domainToken(deps, input.tenantId, domain);
  const proof = domainProof({ domain, token });
  let records: string[];
  try {
    records = await deps.dns.txt(proof.name);
  } catch {
    throw invalid('dns_unavailable');
  }
  const proved = records.some((r) => r.trim() === proof.value);
  await audit(deps, {
    type: proved ? 'tenant.domain_verified' : 'tenant.domain_unproved',
    outcome: proved ? 'success' : 'failure',
    actor: actorId(actor),
    target: input.tenantId,
    tenant: input.tenantId,
    details: { domain },
  });
  if (!proved) throw invalid('domain_unproved');
  const record: TenantDomain = {
    ...held,
    token,
    verified: true,
  };
  // Proved by another tenant in the meantime (a record can only prove one tenant's token): theirs.
  if (!(await deps.tenants.putDomain(record))) throw new DomainError('domain_taken', domain);
  return record;
}

/** The DNS TXT record that proves a tenant holds a domain: its name and value. */
export function domainProof(d: Pick<TenantDomain, 'domain' | 'token'>): { name: string; value: string } {
  return { name: `_sesame-verification.${d.domain}`, value: `sesame-verification=${d.token}` };
}

/**
 * Claims an e-mail domain for a tenant and returns the DNS TXT value that proves it. `verified`
 * marks it proved at once: only for the local store (npm start, tests), the caller decides.
 */
export async function addTenantDomain(
  deps: AdminDeps,
  actor: Actor,
  input: { tenantId: string; domain: string; verified: boolean },
): Promise<TenantDomain> {
  await requireAllowed(deps, actor, 'tenant.update', { tenantId: input.tenantId });
  if (input.verified) await requireAllowed(deps, actor, 'domain.verify', { tenantId: input.tenantId });
  await existingTenant(deps, input.tenantId);
  const domain = checkDomain(input.domain);
  const held = await deps.tenants.getDomain(domain);
  const record: TenantDomain = {
    domain,
    tenantId: input.tenantId,
    verified: input.verified || (held?.tenantId === input.tenantId && held.verified),
    token: await domainToken(deps, input.tenantId, domain),
    ...(held?.tenantId === input.tenantId && held.connectionId ? { connectionId: held.connectionId } : {}),
  };
  if (!(await deps.tenants.putDomain(record))) throw new DomainError('domain_taken', domain);
  await audit(deps, {
    type: 'tenant.domain_added',
    outcome: 'success',
    actor: actorId(actor),
    target: input.tenantId,
    tenant: input.tenantId,
    details: { domain, verified: record.verified },
  });
  return record;
}

/** A client secret, or a private key with its certificate (CredentialInput): exactly one. */
export interface ConnectionInput extends CredentialInput {
  id: string;
  tenantId: string;
  type: ConnectionType;
  clientId: string;
  issuer?: string;
  entraTenantId?: string;
  authority?: string;
  allowConsumer?: boolean;
  scopes?: string[];
  displayName?: string;
  domains?: string[];
  button?: boolean;
  upstreamLogout?: boolean;
}

/** What an administrator sees of a connection: how it authenticates upstream, never with what. */
export type ConnectionView = Connection & {
  clientAuth: 'client_secret_post' | 'private_key_jwt';
  callbackUrl: string;
  /** With `upstreamLogout`: where the upstream's logout returns to (register it upstream too). */
  loggedOutUrl?: string;
  domains: string[];
};

export async function addConnection(
  deps: AdminDeps,
  actor: Actor,
  input: ConnectionInput,
): Promise<ConnectionView> {
  await requireAllowed(deps, actor, 'connection.create', { tenantId: input.tenantId });
  // A button shows on the login page every app and tenant shares: whose sign-ins are offered there
  // is a global administrator's decision (a tenant admin's "Sign in with Google" could phish them all).
  if (input.button) await requireAllowed(deps, actor, 'tenant.policy', { tenantId: input.tenantId });
  const id = checkId(input.id);
  await existingTenant(deps, input.tenantId);
  const sesameIssuer = deps.config.issuer;
  const issuer =
    input.type === 'entra'
      ? entraIssuer(
          {
            tenantId: input.entraTenantId ?? '',
            ...(input.authority !== undefined ? { authority: input.authority } : {}),
            ...(input.allowConsumer ? { allowConsumer: true } : {}),
          },
          sesameIssuer,
        )
      : checkIssuer(input.issuer ?? '', sesameIssuer);
  if (!input.clientId.trim()) throw invalid('client_id');
  const credential = await checkedCredential(deps, id, input);
  const domains = (input.domains ?? []).map(checkDomain);
  for (const d of domains)
    if ((await deps.tenants.getDomain(d))?.tenantId !== input.tenantId) throw invalid('domain_not_held');
  const connection: Connection = {
    id,
    tenantId: input.tenantId,
    type: input.type,
    issuer,
    ...(input.type === 'entra' ? { entraTenantId: (input.entraTenantId ?? '').toLowerCase() } : {}),
    clientId: input.clientId.trim(),
    ...(credential.certificate ? { certificate: credential.certificate } : {}),
    scopes: checkScopes(input.scopes, input.type),
    displayName: input.displayName ? checkName(input.displayName) : id,
    button: input.button === true,
    disabled: false,
    roleMappings: [],
    trustMfa: { acr: [], amr: [] },
    upstreamLogout: input.upstreamLogout === true,
    createdAt: deps.clock.now().toISOString(),
  };
  if (!(await deps.connections.create(connection))) throw new DomainError('connection_exists', id);
  // Written once the id is ours (never over another connection's), undone if it cannot be.
  try {
    await deps.connectionSecrets.put(id, credential.value);
  } catch (err) {
    await deps.connections.delete(id);
    throw err;
  }
  for (const d of domains) await routeDomain(deps, d, input.tenantId, id);
  await audit(deps, {
    type: 'connection.created',
    outcome: 'success',
    actor: actorId(actor),
    target: id,
    tenant: input.tenantId,
    details: { tenant: input.tenantId, type: input.type },
  });
  return view(deps, connection);
}

async function routeDomain(
  deps: AdminDeps,
  domain: string,
  tenantId: string,
  connectionId: string,
): Promise<void> {
  const held = await deps.tenants.getDomain(domain);
  if (held?.tenantId !== tenantId) throw invalid('domain_not_held');
  await deps.tenants.putDomain({ ...held, connectionId });
}

/**
 * The credential checked, and its certificate used by no other connection: an upstream that received
 * assertions signed with a key shared with another upstream could replay them there.
 */
async function checkedCredential(
  deps: AdminDeps,
  id: string,
  input: CredentialInput,
): Promise<CheckedCredential> {
  const credential = checkCredential(input, deps.clock.now());
  const thumbprint = credential.certificate?.x5tS256;
  if (
    thumbprint &&
    (await deps.connections.list()).some((c) => c.id !== id && c.certificate?.x5tS256 === thumbprint)
  )
    throw invalid('certificate_in_use');
  return credential;
}

async function view(deps: AdminDeps, c: Connection): Promise<ConnectionView> {
  // Connections stored before credentials moved to ConnectionSecrets may still hold a sealed secret.
  const { clientSecretSealed: _legacy, ...rest } = c as Connection & { clientSecretSealed?: string };
  const domains = (await deps.tenants.domainsOf(c.tenantId))
    .filter((d) => d.connectionId === c.id)
    .map((d) => d.domain);
  return {
    ...rest,
    clientAuth: c.certificate ? 'private_key_jwt' : 'client_secret_post',
    callbackUrl: callbackUrl(deps.config.issuer, c.id),
    ...(c.upstreamLogout ? { loggedOutUrl: loggedOutUrl(deps.config.issuer, c.id) } : {}),
    domains,
  };
}

/**
 * The connection an action is about, asked like a user is (users.ts targetUser): whether the actor
 * may do it at all first, then to this connection — another tenant's is as unknown as a missing one.
 */
async function connectionOf(deps: AdminDeps, actor: Actor, action: Action, id: string): Promise<Connection> {
  await requireMayAttempt(deps, actor, action);
  const c = await deps.connections.get(id);
  if (!c) throw new NotFound('connection');
  await requireAllowed(
    deps,
    actor,
    action,
    { tenantId: c.tenantId },
    { hideOtherTenants: true, hiddenAs: 'connection' },
  );
  return c;
}

export async function showConnection(deps: AdminDeps, actor: Actor, id: string): Promise<ConnectionView> {
  await requireMayAttempt(deps, actor, 'connection.read');
  const c = await deps.connections.get(id);
  const principal = await principalOf(deps, actor);
  // Another tenant's connection is as unknown as a missing one.
  if (!c || !authorize(principal, 'connection.read', { tenantId: c.tenantId }))
    throw new NotFound('connection');
  return view(deps, c);
}

export async function listConnections(deps: AdminDeps, actor: Actor): Promise<ConnectionView[]> {
  const principal = await requireMayAttempt(deps, actor, 'connection.read');
  const visible = (await deps.connections.list()).filter((c) =>
    authorize(principal, 'connection.read', { tenantId: c.tenantId }),
  );
  return Promise.all(visible.map((c) => view(deps, c)));
}

/** Changes a connection under the actor's rights, audits it with `what`. */
async function changeConnection(
  deps: AdminDeps,
  actor: Actor,
  id: string,
  what: string,
  change: (c: Connection) => Connection,
  details: Record<string, string | number | boolean> = {},
  /** Roles of an app the change hands out (a role mapping): bounded by the tenant's entitlements. */
  gives: Pick<Target, 'clientId' | 'roles'> = {},
): Promise<Connection> {
  const current = await connectionOf(deps, actor, 'connection.update', id);
  if (gives.clientId)
    await requireAllowed(deps, actor, 'connection.update', { tenantId: current.tenantId, ...gives });
  const next = change(current);
  if (!(await deps.connections.replace(next))) throw new NotFound('connection');
  const event = { type: what, outcome: 'success', actor: actorId(actor), target: id, details } as const;
  await audit(deps, { ...event, tenant: current.tenantId });
  return next;
}

export async function mapConnectionRole(
  deps: AdminDeps,
  actor: Actor,
  input: { id: string; mapping: RoleMapping; remove?: boolean },
): Promise<ConnectionView> {
  const m = input.mapping;
  if ((m.claim !== 'groups' && m.claim !== 'roles') || !m.value || !m.clientId || !m.role)
    throw invalid('mapping');
  // The connection first: whether apps and roles exist is no business of another tenant's admin.
  await connectionOf(deps, actor, 'connection.update', input.id);
  const client = await deps.clients.get(m.clientId);
  if (!client) throw new NotFound('client');
  if (!client.roles.includes(m.role)) throw new DomainError('unknown_role', m.role);
  const same = (x: RoleMapping) =>
    x.claim === m.claim && x.value === m.value && x.clientId === m.clientId && x.role === m.role;
  // A tenant admin's mapping stays bound by the tenant's entitlements at every sign-in (roles.ts).
  const bounded = (await principalOf(deps, actor)).kind !== 'global';
  const mapping: RoleMapping = {
    claim: m.claim,
    value: m.value,
    clientId: m.clientId,
    role: m.role,
    ...(bounded ? { bounded: true } : {}),
  };
  const next = await changeConnection(
    deps,
    actor,
    input.id,
    input.remove ? 'connection.role_unmapped' : 'connection.role_mapped',
    (c) => ({
      ...c,
      roleMappings: input.remove
        ? c.roleMappings.filter((x) => !same(x))
        : [...c.roleMappings.filter((x) => !same(x)), mapping],
    }),
    { claim: m.claim, client: m.clientId, role: m.role },
    input.remove ? {} : { clientId: m.clientId, roles: [m.role] },
  );
  return view(deps, next);
}

export async function trustConnectionMfa(
  deps: AdminDeps,
  actor: Actor,
  input: { id: string; acr?: string[]; amr?: string[] },
): Promise<ConnectionView> {
  if (!input.acr?.length && !input.amr?.length) throw invalid('trust');
  // Trusting the upstream's MFA stands in for Sesame's second factor: a security bound on the tenant
  // like its MFA requirement, so a global administrator's to set (a tenant admin could lift it).
  await connectionOf(deps, actor, 'tenant.policy', input.id);
  const next = await changeConnection(deps, actor, input.id, 'connection.mfa_trusted', (c) => ({
    ...c,
    trustMfa: { acr: input.acr ?? [], amr: input.amr ?? [] },
  }));
  return view(deps, next);
}

/**
 * Replaces the connection's credential (a new client secret, or a new key pair before the old
 * certificate expires; the method may change too). Sign-ins use it within a minute (the Lambda
 * reads credentials at most once a minute per container), so keep the old one valid upstream until then.
 */
export async function setConnectionCredential(
  deps: AdminDeps,
  actor: Actor,
  input: CredentialInput & { id: string },
): Promise<ConnectionView> {
  const current = await connectionOf(deps, actor, 'connection.update', input.id);
  const credential = await checkedCredential(deps, current.id, input);
  await deps.connectionSecrets.put(current.id, credential.value);
  const {
    certificate: _old,
    clientSecretSealed: _legacy,
    ...rest
  } = current as Connection & {
    clientSecretSealed?: string;
  };
  const next: Connection = {
    ...rest,
    ...(credential.certificate ? { certificate: credential.certificate } : {}),
  };
  if (!(await deps.connections.replace(next))) throw new NotFound('connection');
  await audit(deps, {
    type: 'connection.credential_set',
    outcome: 'success',
    actor: actorId(actor),
    target: current.id,
    tenant: current.tenantId,
    details: { method: credential.certificate ? 'private_key_jwt' : 'client_secret_post' },
  });
  return view(deps, next);
}

/**
 * Disabling (or removing) a connection ends the sessions and refresh tokens of everyone linked
 * through it: they signed in on the upstream's word, which no longer counts.
 */
export async function setConnectionEnabled(
  deps: AdminDeps,
  actor: Actor,
  input: { id: string; enabled: boolean },
): Promise<ConnectionView> {
  const next = await changeConnection(
    deps,
    actor,
    input.id,
    input.enabled ? 'connection.enabled' : 'connection.disabled',
    (c) => ({ ...c, disabled: !input.enabled }),
  );
  if (!input.enabled) await endLinkedSessions(deps, input.id);
  return view(deps, next);
}

export async function removeConnection(deps: AdminDeps, actor: Actor, id: string): Promise<void> {
  const c = await connectionOf(deps, actor, 'connection.delete', id);
  await endLinkedSessions(deps, id);
  for (const link of await deps.links.byConnection(id)) await deps.links.delete(link);
  for (const d of await deps.tenants.domainsOf(c.tenantId))
    if (d.connectionId === id) {
      const { connectionId: _gone, ...rest } = d;
      await deps.tenants.putDomain(rest);
    }
  // The credential first: if deleting it fails, the connection is still there to remove again.
  await deps.connectionSecrets.delete(id);
  await deps.connections.remove(id);
  await audit(deps, {
    type: 'connection.removed',
    outcome: 'success',
    actor: actorId(actor),
    target: id,
    tenant: c.tenantId,
  });
}

async function endLinkedSessions(deps: AdminDeps, connectionId: string): Promise<void> {
  const now = deps.clock.now().getTime();
  const users = new Set((await deps.links.byConnection(connectionId)).map((l) => l.userId));
  for (const userId of users) await deps.users.endSessions(userId, now);
}

/**
 * An administrator binds an upstream identity to an existing user before their first federated
 * sign-in (Entra: the user's object id; elsewhere `sub`). Same tenant only.
 */
export async function linkUser(
  deps: AdminDeps,
  actor: Actor,
  input: { email: string; connectionId: string; subject: string },
): Promise<{ userId: string; connection: string; subject: string }> {
  const connection = await connectionOf(deps, actor, 'user.link', input.connectionId);
  // The user as any user action finds them (another tenant's is unknown to a tenant admin; nobody
  // links themselves or an administrator they may not take over).
  const user = await targetUser(deps, actor, 'user.link', { email: input.email });
  if (user.tenantId !== connection.tenantId) throw invalid('link_tenant');
  const subject = input.subject.trim();
  if (!subject) throw invalid('link_taken');
  const created = await deps.links.create({
    connectionId: connection.id,
    issuer: connection.issuer,
    subject: connection.type === 'entra' ? subject.toLowerCase() : subject,
    userId: user.id,
    createdAt: deps.clock.now().toISOString(),
  });
  if (!created) throw invalid('link_taken');
  await audit(deps, {
    type: 'federation.linked',
    outcome: 'success',
    actor: actorId(actor),
    target: user.id,
    tenant: auditTenant(user),
    details: { connection: connection.id, jit: false },
  });
  return { userId: user.id, connection: connection.id, subject };
}
