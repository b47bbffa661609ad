import { createHmac } from 'node:crypto';
import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';
import { CONSOLE_PAGE, signInUrl } from '../account/client.ts';
import { sameToken } from '../account/page.ts';
import { accountSession } from '../account/session.ts';
import { isLocked } from '../domain/accounts.ts';
import { type Actor, type Principal, principalOf } from '../domain/admin/actor.ts';
import { auditEvents } from '../domain/admin/audit.ts';
import { listClients } from '../domain/admin/clients.ts';
import { entitleTenant, grantAdmin, revokeAdmin, updateTenant } from '../domain/admin/delegation.ts';
import {
  addTenant,
  addTenantDomain,
  domainProof,
  listConnections,
  listTenants,
  showTenant,
  verifyTenantDomain,
} from '../domain/admin/federation.ts';
import {
  inviteUser,
  listInvitations,
  resendInvitation,
  revokeInvitation,
} from '../domain/admin/invitations.ts';
import { changeRole } from '../domain/admin/roles.ts';
import {
  type AdminDeps,
  listUsers,
  resetUserMfa,
  resetUserPassword,
  setUserEnabled,
  showUser,
} from '../domain/admin/users.ts';
import { brandOf } from '../domain/branding.ts';
import { CONSOLE_CLIENT_ID } from '../domain/clients.ts';
import { DomainError } from '../domain/errors.ts';
import { DEFAULT_TENANT, type User } from '../domain/ports.ts';
import { basePath } from '../http/base-path.ts';
import { branded } from '../http/branding.ts';
import { BadRequest, readFormWithLists } from '../http/forms.ts';
import { renderFailure } from '../interactions/routes.ts';
import { errorFields, type Logger } from '../shared/logger.ts';
import { describeError } from '../shared/messages.ts';
import { partials, templates } from '../views/console.ts';
import { addViews, renderPage, type View } from '../views/index.ts';

/**
 * The admin console at `<issuer>/admin`: server-rendered pages over the same actor-scoped use cases
 * as the CLI and the admin API (domain/admin), so the delegation rule is enforced there and only
 * there. Signing in works like /account (a built-in first-party app, account/client.ts), and the
 * console demands a sign-in with a second factor. A tenant admin sees their own tenant; a global
 * admin picks one (`?tenant=`). Every form carries a CSRF token bound to the browser session.
 */
export interface ConsoleDeps {
  deps: AdminDeps;
  federatedSessionSeconds: number;
  logger: Logger;
  /** Server secret the CSRF tokens are derived with (a cookie-signing key). */
  csrfKey: string;
}

addViews({ templates, partials });

export const ROUTE = /^\/admin(?:\/([a-z-]+)(?:\/([A-Za-z0-9_-]{1,64})(?:\/([a-z-]+))?)?)?$/;

interface Req {
  ctx: Context;
  c: ConsoleDeps;
  actor: Actor;
  principal: Principal;
  me: User;
  csrf: string;
  /** `<base>/admin`. */
  path: string;
  /** The tenant the pages show. */
  tenant: string;
}

export function consoleRoutes(provider: Provider, c: ConsoleDeps) {
  return async function console(ctx: Context, next: Next): Promise<void> {
    const match = ROUTE.exec(ctx.path);
    if (!match || match[1] === 'api') return next();
    ctx.set('Cache-Control', 'no-store');
    const path = `${basePath(ctx)}/admin`;
    const [, section, id, action] = match;
    try {
      if (section === 'callback') return callback(ctx, path);
      const session = await accountSession(ctx, provider, c.deps, c.federatedSessionSeconds, {
        clientId: CONSOLE_CLIENT_ID,
        minimum: 'any',
      });
      if (session.kind !== 'signed-in') {
        if (ctx.method !== 'GET') throw new BadRequest(403, 'csrf'); // a form from an ended session
        const mfa = session.kind === 'step-up' ? session.strength : 'any';
        return see(ctx, signInUrl(c.deps.config.issuer, { page: CONSOLE_PAGE, mfa }));
      }
      const actor: Actor = { kind: 'user', userId: session.user.id };
      const principal = await principalOf(c.deps, actor);
      if (principal.kind === 'nobody')
        return message(
          ctx,
          path,
          403,
          'Not an administrator',
          'Your account may not administer anything here.',
        );
      const csrf = createHmac('sha256', c.csrfKey)
        .update(`console-csrf\0${session.sessionUid}`)
        .digest('base64url');
      const req: Req = { ctx, c, actor, principal, me: session.user, csrf, path, tenant: '' };
      if (ctx.method === 'POST') {
        const form = await readFormWithLists(ctx, FIELDS, ['roles']);
        if (!sameToken(form.fields.csrf ?? '', csrf)) throw new BadRequest(403, 'csrf');
        req.tenant = tenantOf(req, form.fields.tenant);
        return await post(req, section ?? '', id, action, form.fields, form.lists);
      }
      if (ctx.method !== 'GET') throw new BadRequest(405, 'method_not_allowed');
      req.tenant = tenantOf(req, typeof ctx.query.tenant === 'string' ? ctx.query.tenant : undefined);
      return await page(req, section, id, done(ctx));
    } catch (err) {
      if (err instanceof DomainError || err instanceof RangeError) return refused(ctx, path, err, c);
      if (!(err instanceof BadRequest)) c.logger.error('console.error', errorFields(err));
      renderFailure(ctx, err, c.logger);
    }
  };
}

const FIELDS = [
  'csrf',
  'tenant',
  'password',
  'grant',
  'client',
  'role',
  'email',
  'displayName',
  'logoUrl',
  'keepLogo',
  'removeLogo',
  'accent',
  'domain',
  'id',
  'name',
  'roleNames',
];

/** A tenant admin's and a member's pages show their own tenant; a global admin chooses. */
function tenantOf(req: Req, asked: string | undefined): string {
  if (req.principal.kind === 'tenant-admin' || req.principal.kind === 'member') return req.principal.tenantId;
  return asked && /^[a-z0-9][a-z0-9-]{1,62}$/.test(asked) ? asked : DEFAULT_TENANT;
}

function see(ctx: Context, to: string): void {
  ctx.status = 303;
  ctx.redirect(to);
}

function callback(ctx: Context, path: string): void {
  if (ctx.method !== 'GET') throw new BadRequest(405, 'method_not_allowed');
  if (ctx.query.error === undefined) see(ctx, path);
  else
    message(ctx, path, 400, 'Not signed in', 'The sign-in did not finish, so administration stays closed.');
}

function message(ctx: Context, path: string, status: number, heading: string, text: string): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = renderPage('consoleMessage', heading, basePath(ctx), {
    heading,
    message: text,
    link: path,
    linkText: 'Back to administration',
  });
}

/** A refusal of the domain (not allowed, not found, not acceptable): its sentence, and a way back. */
function refused(ctx: Context, path: string, err: DomainError | RangeError, c: ConsoleDeps): void {
  if (err instanceof RangeError) {
    message(
      ctx,
      path,
      400,
      'Not acceptable',
      'That page or range does not exist. Start again from the list.',
    );
    return;
  }
  const status = err.code === 'forbidden' ? 403 : err.code === 'not_found' ? 404 : 400;
  // Back to the console page the form was on: only its path and query, never another origin.
  const from = URL.parse(ctx.get('referer'));
  const back = from?.pathname.startsWith(`${path}/`) ? `${from.pathname}${from.search}` : path;
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = renderPage('consoleMessage', 'Not done', basePath(ctx), {
    heading: status === 403 ? 'You may not do this' : 'Not done',
    message: describeError(err, c.deps.config.passwordPolicy),
    link: back,
    linkText: 'Back',
  });
}

/** What the last action did, by a fixed key (`?done=`): never text taken from the request. */
const DONE: Record<string, string> = {
  disabled: 'The user is disabled and signed out everywhere.',
  enabled: 'The user is enabled.',
  'mfa-reset': 'The second factors were removed; the user sets one up at the next sign-in.',
  password: 'The password was set; any lock is lifted and the user’s sessions ended.',
  granted: 'The role was granted.',
  revoked: 'The role was revoked.',
  'admin-made': 'The user is now a tenant administrator.',
  'admin-removed': 'The user is no longer an administrator.',
  invited: 'The invitation was sent.',
  resent: 'The invitation was sent again with a new link.',
  'invitation-revoked': 'The invitation was revoked.',
  branding: 'The branding was saved.',
  domain: 'The domain is claimed; publish the TXT record to prove it.',
  verified: 'The domain is proved.',
  entitled: 'The entitlement was saved.',
  tenant: 'The tenant was added.',
};

function done(ctx: Context): string | undefined {
  const key = typeof ctx.query.done === 'string' ? ctx.query.done : '';
  return Object.hasOwn(DONE, key) ? DONE[key] : undefined;
}

const q = (params: Record<string, string | undefined>) => {
  const s = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => Boolean(e[1])));
  return s.size ? `?${s}` : '';
};

async function render(
  req: Req,
  view: View,
  title: string,
  current: string,
  data: Record<string, unknown>,
): Promise<void> {
  const { ctx, principal, path, tenant } = req;
  const global = principal.kind === 'global';
  const admin = global || principal.kind === 'tenant-admin';
  const t = (p: string) => `${path}/${p}${global ? q({ tenant }) : ''}`;
  const nav = [
    ...(admin ? [{ key: 'users', href: t('users'), label: 'Users' }] : []),
    { key: 'invitations', href: t('invitations'), label: 'Invitations' },
    ...(admin ? [{ key: 'tenant', href: t('tenant'), label: 'Tenant' }] : []),
    ...(admin ? [{ key: 'connections', href: t('connections'), label: 'Connections' }] : []),
    ...(admin ? [{ key: 'audit', href: t('audit'), label: 'Audit log' }] : []),
    ...(global ? [{ key: 'tenants', href: `${path}/tenants`, label: 'Tenants' }] : []),
    ...(global ? [{ key: 'apps', href: `${path}/apps`, label: 'Apps' }] : []),
  ].map((n) => ({ ...n, current: n.key === current }));
  const tenantRecord =
    current === 'tenants' || current === 'apps' ? null : await req.c.deps.tenants.get(tenant);
  ctx.type = 'html';
  ctx.status = ctx.status === 404 ? 200 : ctx.status;
  ctx.body = renderPage(view, title, basePath(ctx), {
    ...data,
    ...branded(ctx, brandOf(tenantRecord)),
    nav,
    path,
    csrf: req.csrf,
    tenant,
    tenantName: current === 'tenants' || current === 'apps' ? '' : (tenantRecord?.name ?? tenant),
    me: req.me.email,
    role: global ? 'global administrator' : admin ? 'tenant administrator' : 'member',
    logout: `${basePath(ctx)}/session/end`,
    global,
  });
}

const statusOf = (u: User, now: number) =>
  u.disabled
    ? 'disabled'
    : isLocked(u, now)
      ? `locked until ${new Date(u.lockedUntil as number).toISOString().slice(0, 16).replace('T', ' ')} UTC`
      : 'active';

async function page(
  req: Req,
  section: string | undefined,
  id: string | undefined,
  notice: string | undefined,
): Promise<void> {
  const { ctx, c, actor, path, tenant, principal } = req;
  const deps = c.deps;
  const now = deps.clock.now().getTime();
  const extra = notice ? { notice } : {};
  switch (section) {
    case undefined:
      return see(
        ctx,
        `${path}/${principal.kind === 'member' ? 'invitations' : 'users'}${principal.kind === 'global' ? q({ tenant }) : ''}`,
      );
    case 'users': {
      if (id) {
        const { user, factors, roles } = await showUser(deps, actor, { userId: id });
        const apps = await deps.clients.list();
        const entitled = (await deps.tenants.get(user.tenantId))?.entitlements ?? {};
        const held = new Set(roles.map((r) => `${r.clientId} ${r.role}`));
        const grantable = apps.flatMap((a) =>
          a.roles
            .filter(
              (r) =>
                (principal.kind === 'global' || entitled[a.clientId]?.includes(r)) &&
                !held.has(`${a.clientId} ${r}`),
            )
            .map((role) => ({ clientId: a.clientId, role })),
        );
        const on = Object.entries(factors)
          .filter(([, s]) => s.on)
          .map(([m]) => m);
        return render(req, 'consoleUser', user.email, 'users', {
          ...extra,
          user,
          status: statusOf(user, now),
          factors: on.length ? on.join(', ') : 'none',
          sessions:
            user.credentialsChangedAt !== null
              ? `every session from before ${new Date(user.credentialsChangedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC has ended`
              : 'no sign-out forced yet',
          roles,
          grantable,
          userPath: `${path}/users/${user.id}`,
          auditLink: `${path}/audit${q({ tenant: principal.kind === 'global' ? tenant : undefined, email: user.email })}`,
        });
      }
      const email = typeof ctx.query.email === 'string' ? ctx.query.email.slice(0, 254) : '';
      const cursor = typeof ctx.query.cursor === 'string' ? ctx.query.cursor.slice(0, 1000) : undefined;
      const found = await listUsers(deps, actor, {
        tenantId: tenant,
        prefix: email,
        limit: 25,
        ...(cursor ? { cursor } : {}),
      });
      return render(req, 'consoleUsers', 'Users', 'users', {
        ...extra,
        email,
        users: found.users.map((u) => ({ id: u.id, email: u.email, name: u.name, status: statusOf(u, now) })),
        next: found.next
          ? `${path}/users${q({ tenant: principal.kind === 'global' ? tenant : undefined, email, cursor: found.next })}`
          : '',
      });
    }
    case 'invitations': {
      const canList = principal.kind !== 'member';
      const invitations = canList ? await listInvitations(deps, actor, { tenantId: tenant }) : [];
      const apps = await deps.clients.list();
      const record = await deps.tenants.get(tenant);
      // The roles offered: what the inviter may give (entitled for an admin, held for a member).
      const offeredIn = (a: (typeof apps)[number]): string[] =>
        principal.kind === 'global'
          ? a.roles
          : principal.kind === 'member'
            ? a.memberInvites
              ? principal.holds.filter((g) => g.clientId === a.clientId).map((g) => g.role)
              : []
            : (record?.entitlements?.[a.clientId] ?? []);
      return render(req, 'consoleInvitations', 'Invitations', 'invitations', {
        ...extra,
        canList,
        invitations: invitations.map((i) => ({
          ...i,
          status: i.status === 'pending' && i.expiresAt <= now ? 'expired' : i.status,
          expires: new Date(i.expiresAt).toISOString().slice(0, 10),
        })),
        // Only apps the inviter can give a role of (every app for a global administrator).
        apps: apps
          .filter((a) => principal.kind === 'global' || offeredIn(a).length > 0)
          .map((a) => ({ clientId: a.clientId, name: String(a.metadata.client_name ?? a.clientId) })),
        roleChoices: [...new Set(apps.flatMap(offeredIn))].sort(),
      });
    }
    case 'tenant': {
      const { tenant: record, domains, connections } = await showTenant(deps, actor, tenant);
      const members = await listUsers(deps, actor, { tenantId: tenant, limit: 100 });
      const apps = principal.kind === 'global' ? await listClients(deps, actor) : [];
      return render(req, 'consoleTenant', 'Tenant', 'tenant', {
        ...extra,
        branding: record.branding ?? {},
        domains: domains.map((d) => ({ ...d, txt: domainProof(d) })),
        entitlements: Object.entries(record.entitlements ?? {}).map(([clientId, roles]) => ({
          clientId,
          roles,
        })),
        admins: members.users.filter((u) => u.admin),
        connections,
        apps,
      });
    }
    case 'tenants':
      return render(req, 'consoleTenants', 'Tenants', 'tenants', {
        ...extra,
        tenants: await listTenants(deps, actor),
      });
    case 'apps':
      return render(req, 'consoleApps', 'Apps', 'apps', { ...extra, apps: await listClients(deps, actor) });
    case 'connections': {
      const all = await listConnections(deps, actor);
      return render(req, 'consoleConnections', 'Connections', 'connections', {
        ...extra,
        connections: all.filter((x) => x.tenantId === tenant),
      });
    }
    case 'audit':
      return auditPage(req, extra);
    default:
      throw new BadRequest(404, 'not_found');
  }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

async function auditPage(req: Req, extra: Record<string, string>): Promise<void> {
  const { ctx, c, actor, path, tenant, principal } = req;
  const text = (name: string, max: number) =>
    typeof ctx.query[name] === 'string' ? (ctx.query[name] as string).slice(0, max) : '';
  const filter = {
    email: text('email', 254),
    type: text('type', 64),
    from: text('from', 10),
    to: text('to', 10),
  };
  const cursor = text('cursor', 1000);
  if ((filter.from && !DAY.test(filter.from)) || (filter.to && !DAY.test(filter.to)))
    throw new DomainError('invalid_setting', 'date');
  const found = await auditEvents(c.deps, actor, {
    ...(filter.email ? { email: filter.email } : { tenantId: tenant }),
    ...(filter.type ? { type: filter.type } : {}),
    ...(filter.from ? { from: Date.parse(`${filter.from}T00:00:00Z`) } : {}),
    ...(filter.to ? { to: Date.parse(`${filter.to}T23:59:59.999Z`) } : {}),
    limit: 50,
    ...(cursor ? { cursor } : {}),
  });
  return render(req, 'consoleAudit', 'Audit log', 'audit', {
    ...extra,
    filter,
    events: found.events.map((e) => ({
      at: new Date(e.at).toISOString().replace('T', ' ').slice(0, 19),
      type: e.type,
      outcome: e.outcome,
      actor: e.actor,
      target: e.target ?? '',
      details: [e.reason, ...Object.entries(e.details ?? {}).map(([k, v]) => `${k}=${v}`)]
        .filter(Boolean)
        .join(' '),
    })),
    next: found.next
      ? `${path}/audit${q({ tenant: principal.kind === 'global' ? tenant : undefined, ...filter, cursor: found.next })}`
      : '',
  });
}

/**
 * The actions: each one use case with the signed-in user as actor, then back to the page it came
 * from with a fixed notice (POST/redirect/GET), or — refused — the domain's sentence (`refused`).
 */
async function post(
  req: Req,
  section: string,
  id: string | undefined,
  action: string | undefined,
  form: Record<string, string>,
  lists: Record<string, string[]>,
): Promise<void> {
  const { ctx, c, actor, path, tenant, principal } = req;
  const deps = c.deps;
  const tq = (extra: Record<string, string>) =>
    q({ tenant: principal.kind === 'global' ? tenant : undefined, ...extra });
  if (section === 'users' && id && action) {
    const userId = id;
    const back = (key: string) => see(ctx, `${path}/users/${userId}${tq({ done: key })}`);
    switch (action) {
      case 'disable':
      case 'enable':
        await setUserEnabled(deps, actor, { userId, enabled: action === 'enable' });
        return back(action === 'enable' ? 'enabled' : 'disabled');
      case 'reset-mfa':
        await resetUserMfa(deps, actor, { userId });
        return back('mfa-reset');
      case 'password':
        await resetUserPassword(deps, actor, { userId, password: form.password ?? '' });
        return back('password');
      case 'grant':
      case 'revoke': {
        const [clientId = '', role = ''] =
          action === 'grant' ? (form.grant ?? '').split(' ') : [form.client ?? '', form.role ?? ''];
        await changeRole(deps, actor, { userId, clientId, role, grant: action === 'grant' });
        return back(action === 'grant' ? 'granted' : 'revoked');
      }
      case 'make-admin': {
        const tenantId = (await deps.users.findById(userId))?.tenantId;
        await grantAdmin(deps, actor, { userId, level: 'tenant', ...(tenantId ? { tenantId } : {}) });
        return back('admin-made');
      }
      case 'remove-admin':
        await revokeAdmin(deps, actor, { userId });
        return back('admin-removed');
    }
  }
  if (section === 'invitations') {
    const back = (key: string) => see(ctx, `${path}/invitations${tq({ done: key })}`);
    if (!id) {
      const roles = lists.roles ?? [];
      await inviteUser(deps, actor, {
        tenantId: tenant,
        email: form.email ?? '',
        ...(form.client ? { clientId: form.client } : {}),
        roles,
      });
      return back('invited');
    }
    if (action === 'revoke' || action === 'resend') {
      await (action === 'revoke' ? revokeInvitation : resendInvitation)(deps, actor, {
        tenantId: tenant,
        id,
      });
      return back(action === 'revoke' ? 'invitation-revoked' : 'resent');
    }
  }
  if (section === 'tenant' && id) {
    const back = (key: string) => see(ctx, `${path}/tenant${tq({ done: key })}`);
    switch (id) {
      case 'branding':
        await updateTenant(deps, actor, {
          id: tenant,
          displayName: form.displayName ?? '',
          // A logo image kept with the tenant is not sent back through the form (it may be larger
          // than a form may be): an empty field keeps it, unless its removal was asked for.
          ...(form.logoUrl || form.keepLogo !== 'yes' || form.removeLogo === 'yes'
            ? { logoUrl: form.logoUrl ?? '' }
            : {}),
          accent: form.accent ?? '',
        });
        return back('branding');
      case 'domain':
        await addTenantDomain(deps, actor, { tenantId: tenant, domain: form.domain ?? '', verified: false });
        return back('domain');
      case 'verify':
        await verifyTenantDomain(deps, actor, { tenantId: tenant, domain: form.domain ?? '' });
        return back('verified');
      case 'entitle': {
        const roles = (form.roleNames ?? '')
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean);
        await entitleTenant(deps, actor, { tenantId: tenant, clientId: form.client ?? '', roles });
        return back('entitled');
      }
    }
  }
  if (section === 'tenants' && !id) {
    const made = await addTenant(deps, actor, { id: form.id ?? '', name: form.name ?? '' });
    return see(ctx, `${path}/tenant${q({ tenant: made.id, done: 'tenant' })}`);
  }
  throw new BadRequest(404, 'not_found');
}
