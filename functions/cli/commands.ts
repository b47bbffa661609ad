import { randomBytes } from 'node:crypto';
import { isLocked } from '../domain/accounts.ts';
import { OPERATOR } from '../domain/admin/actor.ts';
import { addClient, listClients, showClient, updateClient } from '../domain/admin/clients.ts';
import { changeRole } from '../domain/admin/roles.ts';
import {
  addUser,
  listUsers,
  resetUserMfa,
  resetUserPassword,
  setUserEnabled,
  showUser,
  updateUser,
} from '../domain/admin/users.ts';
import type { AdminApiAccess, AppClient } from '../domain/ports.ts';
import { DELEGATION_COMMANDS } from './delegation-commands.ts';
import { FEDERATION_COMMANDS } from './federation-commands.ts';
import { type Command, csv, flag, list, logoFile, str, UsageError, type Values } from './options.ts';

export { UsageError } from './options.ts';

/** A generated password: 24 characters from a CSPRNG, printed once. */
function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

function passwordFrom(values: Values): { password: string; generated: boolean } {
  if (values['generate-password']) return { password: generatePassword(), generated: true };
  return { password: str(values, 'password'), generated: false };
}

function clientView(client: AppClient) {
  return {
    client_id: client.clientId,
    roles: client.roles,
    first_party: client.firstParty,
    require_mfa: client.requireMfa === true,
    member_invites: client.memberInvites === true,
    ...(client.initiateLoginUri ? { initiate_login_uri: client.initiateLoginUri } : {}),
    backchannel_logout_uri: client.metadata.backchannel_logout_uri ?? null,
    admin_api: client.adminApi ?? null,
    metadata: publicMetadata(client.metadata),
  };
}

/** The operator's CLI acts as the operator: the use cases in domain/admin/ decide and audit. */
const actor = OPERATOR;

export const COMMANDS: Command[] = [
  ...FEDERATION_COMMANDS,
  ...DELEGATION_COMMANDS,
  {
    noun: 'client',
    verb: 'add',
    summary:
      '--id ID --redirect-uri URI [--redirect-uri URI...] [--post-logout-redirect-uri URI] [--public] [--roles r1,r2] [--grant client_credentials] [--name NAME] [--third-party] [--require-mfa] [--initiate-login-uri URI] [--backchannel-logout-uri URI] [--admin users|global|tenant:ID]',
    options: {
      id: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-redirect-uri': { type: 'string', multiple: true },
      public: { type: 'boolean' },
      roles: { type: 'string' },
      grant: { type: 'string', multiple: true },
      name: { type: 'string' },
      'third-party': { type: 'boolean' },
      'require-mfa': { type: 'boolean' },
      'initiate-login-uri': { type: 'string' },
      'backchannel-logout-uri': { type: 'string' },
      admin: { type: 'string' },
    },
    async run(parts, _config, v) {
      const grants = list(v, 'grant');
      for (const g of grants)
        if (g !== 'client_credentials') throw new UsageError(`unsupported --grant ${g}`);
      const roles = csv(v, 'roles');
      const { client, clientSecret } = await addClient(parts.deps, actor, {
        clientId: str(v, 'id'),
        redirectUris: list(v, 'redirect-uri'),
        postLogoutRedirectUris: list(v, 'post-logout-redirect-uri'),
        public: Boolean(v.public),
        roles,
        clientCredentials: grants.includes('client_credentials'),
        firstParty: !v['third-party'],
        requireMfa: Boolean(v['require-mfa']),
        ...(typeof v.name === 'string' ? { name: v.name } : {}),
        ...(typeof v['initiate-login-uri'] === 'string' ? { initiateLoginUri: v['initiate-login-uri'] } : {}),
        ...(typeof v['backchannel-logout-uri'] === 'string'
          ? { backchannelLogoutUri: v['backchannel-logout-uri'] }
          : {}),
        ...(typeof v.admin === 'string' ? { adminApi: v.admin as AdminApiAccess } : {}),
      });
      const { client_id, ...rest } = clientView(client);
      return { client_id, client_secret: clientSecret, ...rest };
    },
  },
  {
    noun: 'client',
    verb: 'update',
    summary:
      '--id ID [--require-mfa true|false] [--member-invites true|false] [--admin users|global|tenant:ID|none] [--backchannel-logout-uri URI|none] [--logo FILE|none] [--color #rrggbb|none]',
    options: {
      id: { type: 'string' },
      'require-mfa': { type: 'string' },
      'member-invites': { type: 'string' },
      admin: { type: 'string' },
      'backchannel-logout-uri': { type: 'string' },
      logo: { type: 'string' },
      color: { type: 'string' },
    },
    async run(parts, _c, v) {
      const backchannel = v['backchannel-logout-uri'];
      const [logo, color] = [v.logo, v.color];
      if (
        [v['require-mfa'], v['member-invites'], v.admin, backchannel, logo, color].every(
          (given) => given === undefined,
        )
      )
        throw new UsageError(
          'give --require-mfa, --member-invites, --admin, --backchannel-logout-uri, --logo or --color',
        );
      const admin = typeof v.admin === 'string' ? v.admin : undefined;
      const client = await updateClient(parts.deps, actor, {
        clientId: str(v, 'id'),
        ...(v['require-mfa'] !== undefined ? { requireMfa: flag(v, 'require-mfa') } : {}),
        ...(v['member-invites'] !== undefined ? { memberInvites: flag(v, 'member-invites') } : {}),
        ...(admin !== undefined ? { adminApi: admin === 'none' ? null : (admin as AdminApiAccess) } : {}),
        ...(typeof backchannel === 'string'
          ? { backchannelLogoutUri: backchannel === 'none' ? null : backchannel }
          : {}),
        ...(typeof logo === 'string' ? { logo: logo === 'none' ? null : logoFile(logo) } : {}),
        ...(typeof color === 'string' ? { accent: color === 'none' ? null : color } : {}),
      });
      return {
        client_id: client.clientId,
        require_mfa: client.requireMfa === true,
        member_invites: client.memberInvites === true,
        admin_api: client.adminApi ?? null,
        backchannel_logout_uri: client.metadata.backchannel_logout_uri ?? null,
        logo: client.branding?.logo ? 'set' : null,
        color: client.branding?.accent ?? null,
      };
    },
  },
  {
    noun: 'client',
    verb: 'show',
    summary: '--id ID',
    options: { id: { type: 'string' } },
    async run(parts, _c, v) {
      return clientView(await showClient(parts.deps, actor, { clientId: str(v, 'id') }));
    },
  },
  {
    noun: 'client',
    verb: 'list',
    summary: '',
    options: {},
    async run(parts) {
      return (await listClients(parts.deps, actor)).map((c) => ({
        client_id: c.clientId,
        roles: c.roles,
      }));
    },
  },
  {
    noun: 'user',
    verb: 'add',
    summary: '--email E [--name N] [--tenant T] [--password P | --generate-password]',
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      tenant: { type: 'string' },
      password: { type: 'string' },
      'generate-password': { type: 'boolean' },
    },
    async run(parts, _c, v) {
      const { password, generated } = passwordFrom(v);
      const user = await addUser(parts.deps, actor, {
        email: str(v, 'email'),
        name: typeof v.name === 'string' ? v.name : '',
        password,
        ...(typeof v.tenant === 'string' ? { tenantId: v.tenant } : {}),
      });
      return {
        id: user.id,
        email: user.email,
        name: user.name,
        tenant: user.tenantId,
        ...(generated ? { password } : {}),
      };
    },
  },
  {
    noun: 'user',
    verb: 'set-password',
    summary: '--email E (--password P | --generate-password)   (also lifts a lockout)',
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      'generate-password': { type: 'boolean' },
    },
    async run(parts, _c, v) {
      const email = str(v, 'email');
      const { password, generated } = passwordFrom(v);
      const user = await resetUserPassword(parts.deps, actor, { email, password });
      return { id: user.id, email: user.email, locked: false, ...(generated ? { password } : {}) };
    },
  },
  {
    noun: 'user',
    verb: 'update',
    summary: '--email E --require-mfa true|false',
    options: { email: { type: 'string' }, 'require-mfa': { type: 'string' } },
    async run(parts, _c, v) {
      const email = str(v, 'email');
      const user = await updateUser(parts.deps, actor, { email, requireMfa: flag(v, 'require-mfa') });
      return { id: user.id, email: user.email, require_mfa: user.requireMfa === true };
    },
  },
  ...(['disable', 'enable'] as const).map(
    (verb): Command => ({
      noun: 'user',
      verb,
      summary:
        verb === 'disable' ? '--email E   (sign-in refused, sessions and refresh tokens end)' : '--email E',
      options: { email: { type: 'string' } },
      async run(parts, _c, v) {
        const user = await setUserEnabled(parts.deps, actor, {
          email: str(v, 'email'),
          enabled: verb === 'enable',
        });
        return { id: user.id, email: user.email, disabled: user.disabled };
      },
    }),
  ),
  {
    noun: 'user',
    verb: 'list',
    summary: '[--tenant T] [--email PREFIX] [--limit N] [--cursor C]   (in e-mail order)',
    options: {
      tenant: { type: 'string' },
      email: { type: 'string' },
      limit: { type: 'string' },
      cursor: { type: 'string' },
    },
    async run(parts, _c, v) {
      const limit = typeof v.limit === 'string' ? Number(v.limit) : undefined;
      if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
        throw new UsageError('--limit must be a positive whole number');
      try {
        const page = await listUsers(parts.deps, actor, {
          tenantId: typeof v.tenant === 'string' ? v.tenant : 'default',
          ...(typeof v.email === 'string' ? { prefix: v.email } : {}),
          ...(limit !== undefined ? { limit } : {}),
          ...(typeof v.cursor === 'string' ? { cursor: v.cursor } : {}),
        });
        return {
          users: page.users.map((u) => ({ id: u.id, email: u.email, name: u.name, disabled: u.disabled })),
          ...(page.next ? { next: page.next } : {}),
        };
      } catch (err) {
        if (err instanceof RangeError)
          throw new UsageError('--cursor must come from the last page of this search');
        throw err;
      }
    },
  },
  {
    noun: 'user',
    verb: 'reset-mfa',
    summary: '--email E   (removes every second factor; the user enrols again)',
    options: { email: { type: 'string' } },
    async run(parts, _c, v) {
      const user = await resetUserMfa(parts.deps, actor, { email: str(v, 'email') });
      return { id: user.id, email: user.email, mfa: 'reset' };
    },
  },
  {
    noun: 'user',
    verb: 'show',
    summary: '--email E',
    options: { email: { type: 'string' } },
    async run(parts, _c, v) {
      const { user, factors, roles } = await showUser(parts.deps, actor, { email: str(v, 'email') });
      const now = parts.deps.clock.now().getTime();
      const locked = isLocked(user, now);
      return {
        id: user.id,
        email: user.email,
        name: user.name,
        email_verified: user.emailVerified,
        disabled: user.disabled,
        created_at: user.createdAt,
        locked,
        locked_until: locked && user.lockedUntil ? new Date(user.lockedUntil).toISOString() : null,
        failed_attempts: user.failedAttempts,
        require_mfa: user.requireMfa === true,
        tenant: user.tenantId,
        mfa: factors,
        roles,
      };
    },
  },
  ...(['grant', 'revoke'] as const).map(
    (verb): Command => ({
      noun: 'role',
      verb,
      summary: '--email E --client ID --role R',
      options: { email: { type: 'string' }, client: { type: 'string' }, role: { type: 'string' } },
      async run(parts, _c, v) {
        const result = await changeRole(parts.deps, actor, {
          email: str(v, 'email'),
          clientId: str(v, 'client'),
          role: str(v, 'role'),
          grant: verb === 'grant',
        });
        return { email: result.email, client_id: result.clientId, roles: result.roles };
      },
    }),
  ),
];

/** Client metadata without the secret: it is shown once, at creation. */
function publicMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  const { client_secret: _secret, ...rest } = metadata;
  return rest;
}

export function usage(): string {
  return [
    'Usage: npm run admin -- <command> [options]',
    '',
    ...COMMANDS.map((c) => `  ${c.noun} ${c.verb} ${c.summary}`),
    '',
    'Prints JSON. Exit code 0 on success, 1 when refused, 2 on bad usage.',
  ].join('\n');
}
