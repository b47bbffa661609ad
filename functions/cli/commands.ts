import { randomBytes } from 'node:crypto';
import type { ParseArgsConfig } from 'node:util';
import type { Config } from '../config/config.ts';
import { registerClient } from '../domain/clients.ts';
import { normaliseEmail } from '../domain/email.ts';
import { createUser, grantRole, revokeRole, setPassword } from '../domain/login.ts';
import { factorOverview, resetMfa } from '../domain/mfa/settings.ts';
import type { AppClient } from '../domain/ports.ts';
import type { DynamoParts } from '../idp/parts.ts';

export class UsageError extends Error {
  override name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, unknown>;

interface Command {
  noun: string;
  verb: string;
  summary: string;
  options: Options;
  run(parts: DynamoParts, config: Config, values: Values): Promise<unknown>;
}

const ACTOR = 'admin-cli';

function str(values: Values, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

/** `true` / `false` for options that switch a setting (parseArgs strings). */
function flag(values: Values, name: string): boolean {
  const v = values[name];
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new UsageError(`--${name} must be true or false`);
}

function list(values: Values, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v.map(String) : [];
}

/** A generated password: 24 characters from a CSPRNG, printed once. */
function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

async function userByEmail(parts: DynamoParts, email: string) {
  const user = await parts.users.findByEmailKey(normaliseEmail(email).emailKey);
  if (!user) throw new Error('no such user');
  return user;
}

function passwordFrom(values: Values): { password: string; generated: boolean } {
  if (values['generate-password']) return { password: generatePassword(), generated: true };
  return { password: str(values, 'password'), generated: false };
}

export const COMMANDS: Command[] = [
  {
    noun: 'client',
    verb: 'add',
    summary:
      '--id ID --redirect-uri URI [--redirect-uri URI...] [--post-logout-redirect-uri URI] [--public] [--roles r1,r2] [--grant client_credentials] [--name NAME] [--third-party] [--require-mfa]',
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
    },
    async run(parts, _config, v) {
      const grants = list(v, 'grant');
      for (const g of grants)
        if (g !== 'client_credentials') throw new UsageError(`unsupported --grant ${g}`);
      const roles =
        typeof v.roles === 'string'
          ? v.roles
              .split(',')
              .map((r) => r.trim())
              .filter(Boolean)
          : [];
      const { client, clientSecret } = await registerClient(
        parts.clients,
        {
          clientId: str(v, 'id'),
          redirectUris: list(v, 'redirect-uri'),
          postLogoutRedirectUris: list(v, 'post-logout-redirect-uri'),
          public: Boolean(v.public),
          roles,
          clientCredentials: grants.includes('client_credentials'),
          firstParty: !v['third-party'],
          requireMfa: Boolean(v['require-mfa']),
          ...(typeof v.name === 'string' ? { name: v.name } : {}),
        },
        parts.clock.now(),
      );
      await parts.audit.record({
        type: 'client.created',
        outcome: 'success',
        at: parts.clock.now().getTime(),
        actor: ACTOR,
        target: client.clientId,
      });
      return {
        client_id: client.clientId,
        client_secret: clientSecret,
        roles: client.roles,
        first_party: client.firstParty,
        require_mfa: client.requireMfa === true,
        metadata: publicMetadata(client.metadata),
      };
    },
  },
  {
    noun: 'client',
    verb: 'update',
    summary: '--id ID --require-mfa true|false',
    options: { id: { type: 'string' }, 'require-mfa': { type: 'string' } },
    async run(parts, _c, v) {
      const client = await parts.clients.get(str(v, 'id'));
      if (!client) throw new Error('no such client');
      const requireMfa = flag(v, 'require-mfa');
      await parts.clients.put({ ...client, requireMfa });
      await parts.audit.record({
        type: 'client.updated',
        outcome: 'success',
        at: parts.clock.now().getTime(),
        actor: ACTOR,
        target: client.clientId,
        details: { requireMfa },
      });
      return { client_id: client.clientId, require_mfa: requireMfa };
    },
  },
  {
    noun: 'client',
    verb: 'show',
    summary: '--id ID',
    options: { id: { type: 'string' } },
    async run(parts, _c, v) {
      const client = await parts.clients.get(str(v, 'id'));
      if (!client) throw new Error('no such client');
      return {
        client_id: client.clientId,
        roles: client.roles,
        first_party: client.firstParty,
        require_mfa: client.requireMfa === true,
        metadata: publicMetadata(client.metadata),
      };
    },
  },
  {
    noun: 'client',
    verb: 'list',
    summary: '',
    options: {},
    async run(parts) {
      return (await parts.clients.list()).map((c: AppClient) => ({ client_id: c.clientId, roles: c.roles }));
    },
  },
  {
    noun: 'user',
    verb: 'add',
    summary: '--email E [--name N] [--password P | --generate-password]',
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
      'generate-password': { type: 'boolean' },
    },
    async run(parts, _c, v) {
      const { password, generated } = passwordFrom(v);
      const user = await createUser(parts.deps, {
        email: str(v, 'email'),
        name: typeof v.name === 'string' ? v.name : '',
        password,
        actor: ACTOR,
      });
      return { id: user.id, email: user.email, name: user.name, ...(generated ? { password } : {}) };
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
      const user = await userByEmail(parts, str(v, 'email'));
      const { password, generated } = passwordFrom(v);
      await setPassword(parts.deps, { userId: user.id, password, actor: ACTOR });
      return { id: user.id, email: user.email, locked: false, ...(generated ? { password } : {}) };
    },
  },
  {
    noun: 'user',
    verb: 'update',
    summary: '--email E --require-mfa true|false',
    options: { email: { type: 'string' }, 'require-mfa': { type: 'string' } },
    async run(parts, _c, v) {
      const user = await userByEmail(parts, str(v, 'email'));
      const requireMfa = flag(v, 'require-mfa');
      await parts.users.updateProfile(user.id, { requireMfa });
      await parts.audit.record({
        type: 'user.updated',
        outcome: 'success',
        at: parts.clock.now().getTime(),
        actor: ACTOR,
        target: user.id,
        details: { requireMfa },
      });
      return { id: user.id, email: user.email, require_mfa: requireMfa };
    },
  },
  {
    noun: 'user',
    verb: 'reset-mfa',
    summary: '--email E   (removes every second factor; the user enrols again)',
    options: { email: { type: 'string' } },
    async run(parts, _c, v) {
      const user = await userByEmail(parts, str(v, 'email'));
      await resetMfa(parts.mfaDeps, { userId: user.id, actor: ACTOR });
      return { id: user.id, email: user.email, mfa: 'reset' };
    },
  },
  {
    noun: 'user',
    verb: 'show',
    summary: '--email E',
    options: { email: { type: 'string' } },
    async run(parts, _c, v) {
      const user = await userByEmail(parts, str(v, 'email'));
      const now = parts.clock.now().getTime();
      const locked = user.lockedUntil !== null && user.lockedUntil > now;
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
        mfa: await factorOverview(parts.mfaDeps, user.id),
        roles: await parts.roles.allRoles(user.id),
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
        const input = {
          email: str(v, 'email'),
          clientId: str(v, 'client'),
          role: str(v, 'role'),
          actor: ACTOR,
        };
        await (verb === 'grant' ? grantRole : revokeRole)(parts.deps, input);
        const user = await userByEmail(parts, input.email);
        return {
          email: user.email,
          client_id: input.clientId,
          roles: await parts.roles.rolesIn(user.id, input.clientId),
        };
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
