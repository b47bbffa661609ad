import { OPERATOR } from '../domain/admin/actor.ts';
import { entitleTenant, grantAdmin, revokeAdmin } from '../domain/admin/delegation.ts';
import { type Command, str, UsageError } from './options.ts';

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
      const roles = v.roles
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean);
      const tenant = await entitleTenant(parts.deps, actor, {
        tenantId: str(v, 'tenant'),
        clientId: str(v, 'client'),
        roles,
      });
      return { id: tenant.id, entitlements: tenant.entitlements ?? {} };
    },
  },
];
