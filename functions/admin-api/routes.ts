import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { isLocked } from '../domain/accounts.ts';
import type { Actor } from '../domain/admin/actor.ts';
import { auditEvents } from '../domain/admin/audit.ts';
import { addClient, listClients, showClient, updateClient } from '../domain/admin/clients.ts';
import { entitleTenant, grantAdmin, revokeAdmin, updateTenant } from '../domain/admin/delegation.ts';
import {
  addConnection,
  addTenant,
  addTenantDomain,
  domainProof,
  listConnections,
  listTenants,
  mapConnectionRole,
  removeConnection,
  setConnectionCredential,
  setConnectionEnabled,
  showConnection,
  showTenant,
  verifyTenantDomain,
} from '../domain/admin/federation.ts';
import {
  type InvitationView,
  inviteUser,
  listInvitations,
  resendInvitation,
  revokeInvitation,
} from '../domain/admin/invitations.ts';
import { changeRole } from '../domain/admin/roles.ts';
import {
  type AdminDeps,
  addUser,
  listUsers,
  resetUserMfa,
  resetUserPassword,
  setUserEnabled,
  showUser,
} from '../domain/admin/users.ts';
import type { AdminApiAccess, AppClient, AuditEvent, Tenant, User } from '../domain/ports.ts';

/**
 * The admin API's routes: each one a path, the zod schemas its input must meet (which also make the
 * OpenAPI document, openapi.ts) and one use case of domain/admin, called with the caller as actor.
 * The use cases decide who may do what (domain/admin/actor.ts); nothing here checks rights.
 */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

// zod/mini: the chained API's validation and JSON Schema at a fraction of its bundle (cold start, see
// the README's performance section); its messages in English, as the chained API has them.
z.config(en());

type Shape = z.ZodMiniObject<z.core.$ZodLooseShape>;

export interface Route<
  P extends Shape = Shape,
  Q extends Shape = Shape,
  B extends z.ZodMiniType = z.ZodMiniType,
> {
  method: Method;
  /** OpenAPI path template below /admin/api/v1, e.g. `/users/{userId}`. */
  path: string;
  summary: string;
  /** Who may call it, for the document: the rule itself lives in the use case. */
  who: string;
  params?: P;
  query?: Q;
  body?: B;
  /** 201 for creations; 200 otherwise. */
  created?: boolean;
  response: z.ZodMiniType;
  run(
    input: { params: z.output<P>; query: z.output<Q>; body: z.output<B> },
    actor: Actor,
    deps: AdminDeps,
  ): Promise<unknown>;
}

/**
 * The fields that were given: zod leaves an absent optional field `undefined`, which the use cases'
 * exact optional types refuse.
 */
type Given<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};
const given = <T extends object>(o: T): Given<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Given<T>;

const route = <P extends Shape, Q extends Shape, B extends z.ZodMiniType>(r: Route<P, Q, B>) =>
  r as unknown as Route;

// --- what inputs look like -------------------------------------------------------------------

const tenantId = z
  .string()
  .check(
    z.regex(/^[a-z0-9][a-z0-9-]{1,62}$/),
    z.describe('A tenant id: 2-63 lower-case letters, digits and -'),
  );
const userId = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/), z.describe('A user id (the OIDC `sub`)'));
const clientId = z
  .string()
  .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{2,63}$/), z.describe('An app (client) id'));
const role = z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/));
const email = z.string().check(z.minLength(3), z.maxLength(254), z.describe('An e-mail address'));
const limit = z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)));
const cursor = z
  .optional(z.string().check(z.minLength(1), z.maxLength(1000)))
  .check(z.describe('The `next` of the previous page'));

const tenantPath = z.strictObject({ tenantId });
const userPath = z.strictObject({ userId });

// --- what outputs look like (never a hash, secret or code) -------------------------------------

const userOut = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  tenantId: z.string(),
  disabled: z.boolean(),
  locked: z.boolean(),
  lockedUntil: z.nullable(z.string()),
  admin: z.nullable(z.enum(['tenant', 'global'])),
  requireMfa: z.boolean(),
  emailVerified: z.boolean(),
  createdAt: z.string(),
});

function userView(u: User, now: number): z.infer<typeof userOut> {
  const locked = isLocked(u, now);
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    tenantId: u.tenantId,
    disabled: u.disabled,
    locked,
    lockedUntil: locked ? new Date(u.lockedUntil as number).toISOString() : null,
    admin: u.admin ?? null,
    requireMfa: u.requireMfa === true,
    emailVerified: u.emailVerified,
    createdAt: u.createdAt,
  };
}

const tenantOut = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  entitlements: z.record(z.string(), z.array(z.string())),
  branding: z.object({
    displayName: z.optional(z.string()),
    logoUrl: z.optional(z.string()),
    accent: z.optional(z.string()),
  }),
  requireMfa: z.nullable(z.enum(['any', 'strong'])),
  federationOnly: z.boolean(),
});

const tenantView = (t: Tenant): z.infer<typeof tenantOut> => ({
  id: t.id,
  name: t.name,
  createdAt: t.createdAt,
  entitlements: t.entitlements ?? {},
  branding: t.branding ?? {},
  requireMfa: t.requireMfa ?? null,
  federationOnly: t.federationOnly === true,
});

const invitationOut = z.object({
  id: z.string(),
  tenantId: z.string(),
  email: z.string(),
  clientId: z.nullable(z.string()),
  roles: z.array(z.string()),
  status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
  createdAt: z.string(),
  expiresAt: z.string(),
});

const invitationView = (i: InvitationView, now: number): z.infer<typeof invitationOut> => ({
  id: i.id,
  tenantId: i.tenantId,
  email: i.email,
  clientId: i.clientId ?? null,
  roles: i.roles,
  status: i.status === 'pending' && i.expiresAt <= now ? 'expired' : i.status,
  createdAt: i.createdAt,
  expiresAt: new Date(i.expiresAt).toISOString(),
});

const adminApiAccess = z
  .string()
  .check(
    z.regex(/^(users|global|tenant:[a-z0-9][a-z0-9-]{1,62})$/),
    z.describe('users | global | tenant:<id>'),
  ) as z.ZodMiniType<AdminApiAccess>;

const clientOut = z.object({
  clientId: z.string(),
  name: z.string(),
  roles: z.array(z.string()),
  grantTypes: z.array(z.string()),
  redirectUris: z.array(z.string()),
  firstParty: z.boolean(),
  requireMfa: z.boolean(),
  memberInvites: z.boolean(),
  adminApi: z.nullable(z.string()),
  backchannelLogoutUri: z.nullable(z.string()),
});

const clientView = (c: AppClient): z.infer<typeof clientOut> => ({
  clientId: c.clientId,
  name: String(c.metadata.client_name ?? c.clientId),
  roles: c.roles,
  grantTypes: (c.metadata.grant_types as string[]) ?? [],
  redirectUris: (c.metadata.redirect_uris as string[]) ?? [],
  firstParty: c.firstParty,
  requireMfa: c.requireMfa === true,
  memberInvites: c.memberInvites === true,
  adminApi: c.adminApi ?? null,
  backchannelLogoutUri:
    typeof c.metadata.backchannel_logout_uri === 'string' ? c.metadata.backchannel_logout_uri : null,
});

const auditOut = z.object({
  type: z.string(),
  outcome: z.string(),
  at: z.string(),
  actor: z.string(),
  target: z.optional(z.string()),
  tenant: z.optional(z.string()),
  clientId: z.optional(z.string()),
  ip: z.optional(z.string()),
  requestId: z.optional(z.string()),
  reason: z.optional(z.string()),
  details: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
});

const auditView = ({ userAgent: _ua, at, ...e }: AuditEvent) => ({ ...e, at: new Date(at).toISOString() });

const dnsTxtOut = z
  .object({ name: z.string(), value: z.string() })
  .check(z.describe('The DNS TXT record to publish'));

const page = <T extends z.ZodMiniType>(item: T) =>
  z.object({ items: z.array(item), next: z.optional(z.string()) });
const connectionOut = z.record(z.string(), z.unknown()).check(z.describe('A connection (no credential)'));

/** A connection as an administrator sees it: its credential never (it lives in the secret store). */
const connectionView = (c: Record<string, unknown>) => {
  const { clientSecretSealed: _legacy, ...rest } = c;
  return rest;
};

const now = (deps: AdminDeps) => deps.clock.now().getTime();

export const ROUTES: Route[] = [
  // --- tenants ---
  route({
    method: 'GET',
    path: '/tenants',
    summary: 'List tenants',
    who: 'global admins: all; tenant admins: their own',
    response: page(tenantOut),
    async run(_i, actor, deps) {
      return { items: (await listTenants(deps, actor)).map(tenantView) };
    },
  }),
  route({
    method: 'POST',
    path: '/tenants',
    summary: 'Create a tenant',
    who: 'global admins',
    body: z.strictObject({ id: tenantId, name: z.string().check(z.minLength(1), z.maxLength(200)) }),
    created: true,
    response: tenantOut,
    async run({ body }, actor, deps) {
      return tenantView(await addTenant(deps, actor, body));
    },
  }),
  route({
    method: 'GET',
    path: '/tenants/{tenantId}',
    summary: 'Show a tenant with its domains and connections',
    who: 'global admins; tenant admins of it',
    params: tenantPath,
    response: z.extend(tenantOut, {
      domains: z.array(z.object({ domain: z.string(), verified: z.boolean(), dnsTxt: dnsTxtOut })),
      connections: z.array(z.string()),
    }),
    async run({ params }, actor, deps) {
      const { tenant, domains, connections } = await showTenant(deps, actor, params.tenantId);
      return {
        ...tenantView(tenant),
        domains: domains.map((d) => ({ domain: d.domain, verified: d.verified, dnsTxt: domainProof(d) })),
        connections,
      };
    },
  }),
  route({
    method: 'PATCH',
    path: '/tenants/{tenantId}',
    summary:
      'Change a tenant’s name, branding (an empty string clears a field), MFA requirement or federation-only policy',
    who: 'global admins; tenant admins of it (not `requireMfa` nor `federationOnly`)',
    params: tenantPath,
    body: z.strictObject({
      name: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
      displayName: z.optional(z.string().check(z.maxLength(200))),
      logoUrl: z.optional(z.string().check(z.maxLength(2000))),
      accent: z.optional(z.string().check(z.maxLength(7))),
      requireMfa: z.optional(z.nullable(z.enum(['any', 'strong']))),
      federationOnly: z.optional(z.boolean()),
    }),
    response: tenantOut,
    async run({ params, body }, actor, deps) {
      return tenantView(await updateTenant(deps, actor, { id: params.tenantId, ...given(body) }));
    },
  }),
  route({
    method: 'PUT',
    path: '/tenants/{tenantId}/entitlements/{clientId}',
    summary: 'Set which roles of an app the tenant’s users may be given (an empty list: none)',
    who: 'global admins',
    params: z.strictObject({ tenantId, clientId }),
    body: z.strictObject({ roles: z.array(role).check(z.maxLength(100)) }),
    response: tenantOut,
    async run({ params, body }, actor, deps) {
      return tenantView(await entitleTenant(deps, actor, { ...params, roles: body.roles }));
    },
  }),
  route({
    method: 'POST',
    path: '/tenants/{tenantId}/domains',
    summary: 'Claim an e-mail domain; the answer carries the DNS TXT value that proves it',
    who: 'global admins; tenant admins of it',
    params: tenantPath,
    body: z.strictObject({ domain: z.string().check(z.minLength(3), z.maxLength(253)) }),
    created: true,
    response: z.object({ domain: z.string(), verified: z.boolean(), dnsTxt: dnsTxtOut }),
    async run({ params, body }, actor, deps) {
      const d = await addTenantDomain(deps, actor, { ...params, domain: body.domain, verified: false });
      return { domain: d.domain, verified: d.verified, dnsTxt: domainProof(d) };
    },
  }),

  route({
    method: 'POST',
    path: '/tenants/{tenantId}/domains/{domain}/verify',
    summary: 'Prove a claimed domain: Sesame looks up its DNS TXT record',
    who: 'global admins; tenant admins of it',
    params: z.strictObject({ tenantId, domain: z.string().check(z.minLength(3), z.maxLength(253)) }),
    response: z.object({ domain: z.string(), verified: z.boolean(), dnsTxt: dnsTxtOut }),
    async run({ params }, actor, deps) {
      const d = await verifyTenantDomain(deps, actor, params);
      return { domain: d.domain, verified: d.verified, dnsTxt: domainProof(d) };
    },
  }),

  // --- users ---
  route({
    method: 'GET',
    path: '/tenants/{tenantId}/users',
    summary: 'List a tenant’s users in e-mail order, optionally those whose address starts with `email`',
    who: 'global admins; tenant admins of it',
    params: tenantPath,
    query: z.strictObject({ email: z.optional(z.string().check(z.maxLength(254))), limit, cursor }),
    response: page(userOut),
    async run({ params, query }, actor, deps) {
      const found = await listUsers(deps, actor, {
        tenantId: params.tenantId,
        ...(query.email !== undefined ? { prefix: query.email } : {}),
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      });
      const at = now(deps);
      return { items: found.users.map((u) => userView(u, at)), ...(found.next ? { next: found.next } : {}) };
    },
  }),
  route({
    method: 'POST',
    path: '/tenants/{tenantId}/users',
    summary: 'Create a user (with a password under the policy, or none: they are invited or federated)',
    who: 'global admins; tenant admins of it',
    params: tenantPath,
    body: z.strictObject({
      email,
      name: z.string().check(z.maxLength(200)),
      password: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
    }),
    created: true,
    response: userOut,
    async run({ params, body }, actor, deps) {
      const input = { email: body.email, name: body.name, tenantId: params.tenantId };
      const user = await addUser(deps, actor, body.password ? { ...input, password: body.password } : input);
      return userView(user, now(deps));
    },
  }),
  route({
    method: 'GET',
    path: '/users/{userId}',
    summary: 'Show a user: status, lock, second factors, roles by app with their source',
    who: 'global admins; tenant admins of the user’s tenant',
    params: userPath,
    response: z.extend(userOut, {
      factors: z.record(z.string(), z.unknown()),
      roles: z.array(z.object({ clientId: z.string(), role: z.string(), source: z.string() })),
    }),
    async run({ params }, actor, deps) {
      const { user, factors, roles } = await showUser(deps, actor, params);
      return { ...userView(user, now(deps)), factors, roles };
    },
  }),
  ...(['disable', 'enable'] as const).map((verb) =>
    route({
      method: 'POST',
      path: `/users/{userId}/${verb}`,
      summary:
        verb === 'disable'
          ? 'Disable a user: sign-in is refused, sessions and refresh tokens end'
          : 'Enable a disabled user again',
      who: 'global admins; tenant admins of the user’s tenant',
      params: userPath,
      response: userOut,
      async run({ params }, actor, deps) {
        const user = await setUserEnabled(deps, actor, { ...params, enabled: verb === 'enable' });
        return userView(user, now(deps));
      },
    }),
  ),
  route({
    method: 'POST',
    path: '/users/{userId}/reset-mfa',
    summary: 'Remove every second factor of a user (lost phone) and end their sessions',
    who: 'global admins; tenant admins of the user’s tenant (not of another admin)',
    params: userPath,
    response: userOut,
    async run({ params }, actor, deps) {
      return userView(await resetUserMfa(deps, actor, params), now(deps));
    },
  }),
  route({
    method: 'PUT',
    path: '/users/{userId}/password',
    summary: 'Set a new password (policy applies); lifts a lockout and ends the user’s sessions',
    who: 'global admins; tenant admins of the user’s tenant (not of another admin)',
    params: userPath,
    body: z.strictObject({ password: z.string().check(z.minLength(1), z.maxLength(1024)) }),
    response: userOut,
    async run({ params, body }, actor, deps) {
      const user = await resetUserPassword(deps, actor, { ...params, password: body.password });
      return userView({ ...user, lockedUntil: null }, now(deps));
    },
  }),
  ...([true, false] as const).map((grant) =>
    route({
      method: grant ? 'PUT' : 'DELETE',
      path: '/users/{userId}/roles/{clientId}/{role}',
      summary: grant ? 'Grant a role of an app' : 'Revoke a role of an app',
      who: 'global admins; tenant admins of the user’s tenant, roles the tenant is entitled to',
      params: z.strictObject({ userId, clientId, role }),
      response: z.object({ clientId: z.string(), roles: z.array(z.string()) }),
      async run({ params }, actor, deps) {
        const changed = await changeRole(deps, actor, { ...params, grant });
        return { clientId: changed.clientId, roles: changed.roles };
      },
    }),
  ),
  route({
    method: 'PUT',
    path: '/users/{userId}/admin',
    summary: 'Make a user an administrator of their tenant, or (global admins only) of everything',
    who: 'global admins; tenant admins of the user’s tenant (level `tenant`)',
    params: userPath,
    body: z.strictObject({ level: z.enum(['tenant', 'global']) }),
    response: z.object({ userId: z.string(), admin: z.enum(['tenant', 'global']) }),
    async run({ params, body }, actor, deps) {
      // A tenant admin is made of the user's own tenant (grantAdmin asks the rule and checks the
      // user belongs to it; a user who does not exist is its "not found" too).
      const tenantId = (await deps.users.findById(params.userId))?.tenantId;
      const made = await grantAdmin(deps, actor, {
        ...params,
        level: body.level,
        ...(tenantId ? { tenantId } : {}),
      });
      return { userId: made.userId, admin: made.admin };
    },
  }),
  route({
    method: 'DELETE',
    path: '/users/{userId}/admin',
    summary: 'Take a user’s administrator rights away',
    who: 'global admins; tenant admins of the user’s tenant (not a global admin’s)',
    params: userPath,
    response: z.object({ userId: z.string(), admin: z.null() }),
    async run({ params }, actor, deps) {
      const done = await revokeAdmin(deps, actor, params);
      return { userId: done.userId, admin: null };
    },
  }),

  // --- invitations ---
  route({
    method: 'GET',
    path: '/tenants/{tenantId}/invitations',
    summary: 'List a tenant’s invitations',
    who: 'global admins; tenant admins of it',
    params: tenantPath,
    response: page(invitationOut),
    async run({ params }, actor, deps) {
      const at = now(deps);
      return { items: (await listInvitations(deps, actor, params)).map((i) => invitationView(i, at)) };
    },
  }),
  route({
    method: 'POST',
    path: '/tenants/{tenantId}/invitations',
    summary:
      'Invite an address into the tenant, optionally with roles of one app (mailed; single use; 7 days)',
    who: 'global admins; tenant admins of it; members, with roles they hold, where the app allows it',
    params: tenantPath,
    body: z.strictObject({
      email,
      clientId: z.optional(clientId),
      roles: z.optional(z.array(role).check(z.maxLength(50))),
    }),
    created: true,
    response: invitationOut,
    async run({ params, body }, actor, deps) {
      const made = await inviteUser(deps, actor, {
        tenantId: params.tenantId,
        email: body.email,
        ...(body.clientId ? { clientId: body.clientId } : {}),
        ...(body.roles ? { roles: body.roles } : {}),
      });
      return invitationView(made, now(deps));
    },
  }),
  ...(['revoke', 'resend'] as const).map((verb) =>
    route({
      method: 'POST',
      path: `/tenants/{tenantId}/invitations/{invitationId}/${verb}`,
      summary:
        verb === 'revoke' ? 'Revoke a pending invitation' : 'Send a pending invitation again with a new link',
      who: 'global admins; tenant admins of it',
      params: z.strictObject({ tenantId, invitationId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)) }),
      response: invitationOut,
      async run({ params }, actor, deps) {
        const input = { tenantId: params.tenantId, id: params.invitationId };
        const changed = await (verb === 'revoke' ? revokeInvitation : resendInvitation)(deps, actor, input);
        return invitationView(changed, now(deps));
      },
    }),
  ),

  // --- apps and connections ---
  route({
    method: 'GET',
    path: '/clients',
    summary: 'List apps',
    who: 'global admins',
    response: page(clientOut),
    async run(_i, actor, deps) {
      return { items: (await listClients(deps, actor)).map(clientView) };
    },
  }),
  route({
    method: 'GET',
    path: '/clients/{clientId}',
    summary: 'Show an app (never its secret)',
    who: 'global admins',
    params: z.strictObject({ clientId }),
    response: clientOut,
    async run({ params }, actor, deps) {
      return clientView(await showClient(deps, actor, params));
    },
  }),
  route({
    method: 'POST',
    path: '/clients',
    summary: 'Register an app; the answer carries its client secret, once',
    who: 'global admins',
    body: z.strictObject({
      clientId,
      name: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
      redirectUris: z._default(z.array(z.string().check(z.maxLength(2000))).check(z.maxLength(20)), []),
      postLogoutRedirectUris: z.optional(z.array(z.string().check(z.maxLength(2000))).check(z.maxLength(20))),
      public: z.optional(z.boolean()),
      roles: z.optional(z.array(role).check(z.maxLength(100))),
      clientCredentials: z.optional(z.boolean()),
      firstParty: z.optional(z.boolean()),
      requireMfa: z.optional(z.boolean()),
      initiateLoginUri: z.optional(z.string().check(z.maxLength(2000))),
      backchannelLogoutUri: z.optional(z.string().check(z.maxLength(2000))),
      adminApi: z.optional(adminApiAccess),
    }),
    created: true,
    response: z.extend(clientOut, { clientSecret: z.nullable(z.string()) }),
    async run({ body }, actor, deps) {
      const { client, clientSecret } = await addClient(deps, actor, given(body));
      return { ...clientView(client), clientSecret };
    },
  }),
  route({
    method: 'PATCH',
    path: '/clients/{clientId}',
    summary:
      'Change an app’s MFA requirement, member invitations, admin API access, back-channel logout URI or login-page look (null: none)',
    who: 'global admins',
    params: z.strictObject({ clientId }),
    body: z.strictObject({
      requireMfa: z.optional(z.boolean()),
      memberInvites: z.optional(z.boolean()),
      adminApi: z.optional(z.nullable(adminApiAccess)),
      backchannelLogoutUri: z.optional(z.nullable(z.string().check(z.maxLength(2000)))),
      /** A data: URL of a PNG, JPEG, GIF or WebP image of at most 24 KiB (base64 adds a third). */
      logo: z.optional(z.nullable(z.string().check(z.maxLength(40_000)))),
      accent: z.optional(z.nullable(z.string().check(z.maxLength(7)))),
    }),
    response: clientOut,
    async run({ params, body }, actor, deps) {
      return clientView(await updateClient(deps, actor, { clientId: params.clientId, ...given(body) }));
    },
  }),
  route({
    method: 'POST',
    path: '/connections',
    summary:
      'Add an upstream identity provider to a tenant (Entra ID, Okta or any OIDC provider), with a client secret or a private key and certificate',
    who: 'global admins; tenant admins of the tenant',
    body: z.strictObject({
      id: tenantId,
      tenantId,
      type: z.enum(['entra', 'okta', 'oidc']),
      clientId: z.string().check(z.minLength(1), z.maxLength(200)),
      clientSecret: z.optional(z.string().check(z.minLength(1), z.maxLength(1000))),
      privateKey: z.optional(z.string().check(z.maxLength(20_000))),
      certificate: z.optional(z.string().check(z.maxLength(20_000))),
      issuer: z.optional(z.string().check(z.maxLength(2000))),
      entraTenantId: z.optional(z.string().check(z.maxLength(100))),
      authority: z.optional(z.string().check(z.maxLength(2000))),
      allowConsumer: z.optional(z.boolean()),
      scopes: z.optional(z.array(z.string().check(z.maxLength(100))).check(z.maxLength(20))),
      displayName: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
      domains: z.optional(z.array(z.string().check(z.maxLength(253))).check(z.maxLength(50))),
      button: z.optional(z.boolean()),
      upstreamLogout: z.optional(z.boolean()),
    }),
    created: true,
    response: connectionOut,
    async run({ body }, actor, deps) {
      return connectionView({ ...(await addConnection(deps, actor, given(body))) });
    },
  }),
  ...(['disable', 'enable'] as const).map((verb) =>
    route({
      method: 'POST',
      path: `/connections/{connectionId}/${verb}`,
      summary:
        verb === 'disable'
          ? 'Switch a connection off: its users’ sessions and refresh tokens end'
          : 'Switch a connection on again',
      who: 'global admins; tenant admins of its tenant',
      params: z.strictObject({ connectionId: tenantId }),
      response: connectionOut,
      async run({ params }, actor, deps) {
        const input = { id: params.connectionId, enabled: verb === 'enable' };
        return connectionView({ ...(await setConnectionEnabled(deps, actor, input)) });
      },
    }),
  ),
  route({
    method: 'PUT',
    path: '/connections/{connectionId}/credential',
    summary: 'Replace a connection’s credential (a client secret, or a private key and its certificate)',
    who: 'global admins; tenant admins of its tenant',
    params: z.strictObject({ connectionId: tenantId }),
    body: z.strictObject({
      clientSecret: z.optional(z.string().check(z.minLength(1), z.maxLength(1000))),
      privateKey: z.optional(z.string().check(z.maxLength(20_000))),
      certificate: z.optional(z.string().check(z.maxLength(20_000))),
    }),
    response: connectionOut,
    async run({ params, body }, actor, deps) {
      const input = { id: params.connectionId, ...given(body) };
      return connectionView({ ...(await setConnectionCredential(deps, actor, input)) });
    },
  }),
  ...([false, true] as const).map((remove) =>
    route({
      method: remove ? 'DELETE' : 'PUT',
      path: '/connections/{connectionId}/role-mappings',
      summary: remove
        ? 'Remove a role mapping'
        : 'Map an upstream group or app role to a role of an app (a tenant admin: roles the tenant is entitled to)',
      who: 'global admins; tenant admins of its tenant',
      params: z.strictObject({ connectionId: tenantId }),
      body: z.strictObject({
        claim: z.enum(['groups', 'roles']),
        value: z.string().check(z.minLength(1), z.maxLength(256)),
        clientId,
        role,
      }),
      response: connectionOut,
      async run({ params, body }, actor, deps) {
        const input = { id: params.connectionId, mapping: body, ...(remove ? { remove: true } : {}) };
        return connectionView({ ...(await mapConnectionRole(deps, actor, input)) });
      },
    }),
  ),
  route({
    method: 'DELETE',
    path: '/connections/{connectionId}',
    summary: 'Remove a connection, its links and its credential; its users’ sessions end',
    who: 'global admins; tenant admins of its tenant',
    params: z.strictObject({ connectionId: tenantId }),
    response: z.object({ removed: z.string() }),
    async run({ params }, actor, deps) {
      await removeConnection(deps, actor, params.connectionId);
      return { removed: params.connectionId };
    },
  }),
  route({
    method: 'GET',
    path: '/connections',
    summary: 'List upstream identity provider connections',
    who: 'global admins: all; tenant admins: their tenant’s',
    response: page(connectionOut),
    async run(_i, actor, deps) {
      return { items: (await listConnections(deps, actor)).map((c) => connectionView({ ...c })) };
    },
  }),
  route({
    method: 'GET',
    path: '/connections/{connectionId}',
    summary: 'Show a connection (never its credential)',
    who: 'global admins; tenant admins of its tenant',
    params: z.strictObject({ connectionId: tenantId }),
    response: connectionOut,
    async run({ params }, actor, deps) {
      return connectionView({ ...(await showConnection(deps, actor, params.connectionId)) });
    },
  }),

  // --- audit ---
  route({
    method: 'GET',
    path: '/audit-events',
    summary:
      'Audit events, newest first: of one user, of one tenant (a tenant admin’s default), or (global admins) of all tenants over at most 31 days',
    who: 'global admins; tenant admins: their tenant and its users',
    query: z.strictObject({
      userId: z.optional(userId),
      tenantId: z.optional(tenantId),
      type: z.optional(z.string().check(z.regex(/^[a-z_.]{1,64}$/))),
      from: z.optional(z.iso.datetime()),
      to: z.optional(z.iso.datetime()),
      limit,
      cursor,
    }),
    response: page(auditOut),
    async run({ query }, actor, deps) {
      const found = await auditEvents(deps, actor, {
        ...(query.userId ? { userId: query.userId } : {}),
        ...(query.tenantId ? { tenantId: query.tenantId } : {}),
        ...(query.type ? { type: query.type } : {}),
        ...(query.from ? { from: Date.parse(query.from) } : {}),
        ...(query.to ? { to: Date.parse(query.to) } : {}),
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
        ...(query.cursor ? { cursor: query.cursor } : {}),
      });
      return { items: found.events.map(auditView), ...(found.next ? { next: found.next } : {}) };
    },
  }),
];
