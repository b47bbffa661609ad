import { OPERATOR } from '../domain/admin/actor.ts';
import { auditEvents } from '../domain/admin/audit.ts';
import { entitleTenant, grantAdmin, revokeAdmin, updateTenant } from '../domain/admin/delegation.ts';
import {
  inviteUser,
  listInvitations,
  resendInvitation,
  revokeInvitation,
} from '../domain/admin/invitations.ts';
import { type Command, csv, flag, logoFile, str, UsageError } from './options.ts';

/** Delegated administration: tenant and global administrators, and what a tenant may be given. */
const actor = OPERATOR;

export const DELEGATION_COMMANDS: Command[] = [
  {
    noun: 'admin',
    verb: 'grant',
    summary: '--email E (--tenant T | --global)   (a tenant admin must belong to T)',
    options: { email: { type: 'string' }, tenant: { type: 'string' }, global: { type: 'boolean' } },
    async run(parts, _c, v) {
      const global = v.global === true;
      if (global === (typeof v.tenant === 'string'))
        throw new UsageError('give exactly one of --tenant and --global');
      return grantAdmin(parts.deps, actor, {
        email: str(v, 'email'),
        level: global ? 'global' : 'tenant',
        ...(global ? {} : { tenantId: str(v, 'tenant') }),
      });
    },
  },
  {
    noun: 'admin',
    verb: 'revoke',
    summary: '--email E',
    options: { email: { type: 'string' } },
    async run(parts, _c, v) {
      return revokeAdmin(parts.deps, actor, { email: str(v, 'email') });
    },
  },
  {
    noun: 'tenant',
    verb: 'entitle',
    summary: '--tenant T --client C --roles r1,r2   (the app roles its users may be given; "" for none)',
    options: { tenant: { type: 'string' }, client: { type: 'string' }, roles: { type: 'string' } },
    async run(parts, _c, v) {
      if (typeof v.roles !== 'string') throw new UsageError('--roles is required (give "" for none)');
      const roles = csv(v, 'roles');
      const tenant = await entitleTenant(parts.deps, actor, {
        tenantId: str(v, 'tenant'),
        clientId: str(v, 'client'),
        roles,
      });
      return { id: tenant.id, entitlements: tenant.entitlements ?? {} };
    },
  },
  {
    noun: 'invitation',
    verb: 'create',
    summary: '--tenant T --email E [--client C --roles r1,r2]   (mails a single-use link, valid 7 days)',
    options: {
      tenant: { type: 'string' },
      email: { type: 'string' },
      client: { type: 'string' },
      roles: { type: 'string' },
    },
    async run(parts, _c, v) {
      const roles = csv(v, 'roles');
      return inviteUser(parts.deps, actor, {
        tenantId: str(v, 'tenant'),
        email: str(v, 'email'),
        ...(typeof v.client === 'string' ? { clientId: v.client } : {}),
        roles,
      });
    },
  },
  {
    noun: 'invitation',
    verb: 'list',
    summary: '--tenant T',
    options: { tenant: { type: 'string' } },
    async run(parts, _c, v) {
      return listInvitations(parts.deps, actor, { tenantId: str(v, 'tenant') });
    },
  },
  {
    noun: 'invitation',
    verb: 'revoke',
    summary: '--tenant T --id ID',
    options: { tenant: { type: 'string' }, id: { type: 'string' } },
    async run(parts, _c, v) {
      return revokeInvitation(parts.deps, actor, { tenantId: str(v, 'tenant'), id: str(v, 'id') });
    },
  },
  {
    noun: 'invitation',
    verb: 'resend',
    summary: '--tenant T --id ID   (a new link; the old one stops working)',
    options: { tenant: { type: 'string' }, id: { type: 'string' } },
    async run(parts, _c, v) {
      return resendInvitation(parts.deps, actor, { tenantId: str(v, 'tenant'), id: str(v, 'id') });
    },
  },
  {
    noun: 'tenant',
    verb: 'update',
    summary:
      '--id T [--name N] [--display-name D] [--logo FILE | --logo-url https://…] [--accent #rrggbb] [--require-mfa any|strong|off] [--federation-only true|false]   ("" clears a branding field)',
    options: {
      id: { type: 'string' },
      name: { type: 'string' },
      'display-name': { type: 'string' },
      'logo-url': { type: 'string' },
      logo: { type: 'string' },
      accent: { type: 'string' },
      'require-mfa': { type: 'string' },
      'federation-only': { type: 'string' },
    },
    async run(parts, _c, v) {
      const mfa = v['require-mfa'];
      if (mfa !== undefined && mfa !== 'any' && mfa !== 'strong' && mfa !== 'off')
        throw new UsageError('--require-mfa must be any, strong or off');
      const text = (name: string) => (typeof v[name] === 'string' ? (v[name] as string) : undefined);
      const given = {
        name: text('name'),
        displayName: text('display-name'),
        // A file is kept with the tenant (a data: URL: nothing fetched from elsewhere); "" clears.
        logoUrl:
          typeof v.logo === 'string' && v.logo !== '' ? logoFile(v.logo) : (text('logo') ?? text('logo-url')),
        accent: text('accent'),
      };
      return updateTenant(parts.deps, actor, {
        id: str(v, 'id'),
        ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)),
        ...(mfa === undefined ? {} : { requireMfa: mfa === 'off' ? null : (mfa as 'any' | 'strong') }),
        ...(v['federation-only'] === undefined ? {} : { federationOnly: flag(v, 'federation-only') }),
      });
    },
  },
  {
    noun: 'audit',
    verb: 'list',
    summary:
      '[--email E | --tenant T] [--type login.failure] [--from ISO] [--to ISO] [--limit N] [--cursor C]   (newest first; all tenants: at most 31 days)',
    options: {
      email: { type: 'string' },
      tenant: { type: 'string' },
      type: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      limit: { type: 'string' },
      cursor: { type: 'string' },
    },
    async run(parts, _c, v) {
      const time = (name: string) => {
        if (typeof v[name] !== 'string') return undefined;
        const ms = Date.parse(v[name] as string);
        if (Number.isNaN(ms)) throw new UsageError(`--${name} must be a date or time (ISO 8601)`);
        return ms;
      };
      const limit = typeof v.limit === 'string' ? Number(v.limit) : undefined;
      if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
        throw new UsageError('--limit must be a positive whole number');
      const from = time('from');
      const to = time('to');
      try {
        return await auditEvents(parts.deps, actor, {
          ...(typeof v.email === 'string' ? { email: v.email } : {}),
          ...(typeof v.tenant === 'string' ? { tenantId: v.tenant } : {}),
          ...(typeof v.type === 'string' ? { type: v.type } : {}),
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
          ...(limit !== undefined ? { limit } : {}),
          ...(typeof v.cursor === 'string' ? { cursor: v.cursor } : {}),
        });
      } catch (err) {
        if (err instanceof RangeError)
          throw new UsageError(
            'without --email or --tenant a query spans at most 31 days, and --cursor must come from the last page',
          );
        throw err;
      }
    },
  },
];
