import { readFileSync } from 'node:fs';
import { OPERATOR } from '../domain/admin/actor.ts';
import {
  addConnection,
  addTenant,
  addTenantDomain,
  domainProof,
  linkUser,
  listConnections,
  listTenants,
  mapConnectionRole,
  removeConnection,
  setConnectionCredential,
  setConnectionEnabled,
  showConnection,
  showTenant,
  trustConnectionMfa,
  verifyTenantDomain,
} from '../domain/admin/federation.ts';
import type { CredentialInput } from '../domain/federation/credential.ts';
import { isLocalIssuer } from '../domain/federation/settings.ts';
import type { ConnectionType } from '../domain/ports.ts';
import { type Command, csv, list, str, UsageError, type Values } from './options.ts';

/**
 * Tenants, their domains, connections to upstream identity providers and identity links. Thin: the
 * rules and the audit trail are the use cases' (domain/admin/federation.ts). Secrets are taken,
 * never printed back.
 */
const actor = OPERATOR;

const TYPES: readonly ConnectionType[] = ['entra', 'okta', 'oidc'];

const optional = (v: Values, name: string): string | undefined =>
  typeof v[name] === 'string' ? (v[name] as string) : undefined;

const idOption = { id: { type: 'string' } } as const;

/** How Sesame authenticates upstream: a client secret, or a key pair for private_key_jwt. */
const credentialOptions = {
  'client-secret': { type: 'string' },
  'private-key-file': { type: 'string' },
  'certificate-file': { type: 'string' },
} as const;
const CREDENTIAL_USAGE = '(--client-secret S | --private-key-file key.pem --certificate-file cert.pem)';

/** Exactly one of the two ways; the files are read here and checked by the use case. */
function credential(v: Values): CredentialInput {
  const secret = optional(v, 'client-secret');
  const keyFile = optional(v, 'private-key-file');
  const certFile = optional(v, 'certificate-file');
  const pair = keyFile !== undefined || certFile !== undefined;
  if (secret !== undefined && pair)
    throw new UsageError('give --client-secret or --private-key-file with --certificate-file, not both');
  if (!pair) return { clientSecret: str(v, 'client-secret') };
  return { privateKey: readPem(v, 'private-key-file'), certificate: readPem(v, 'certificate-file') };
}

function readPem(v: Values, name: string): string {
  const path = str(v, name);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    // The path and the error's code only: never the content.
    throw new UsageError(`--${name}: cannot read ${path} (${(err as { code?: string }).code ?? 'error'})`);
  }
}

export const FEDERATION_COMMANDS: Command[] = [
  {
    noun: 'tenant',
    verb: 'add',
    summary: '--id ID --name NAME',
    options: { id: { type: 'string' }, name: { type: 'string' } },
    run: (parts, _c, v) => addTenant(parts.deps, actor, { id: str(v, 'id'), name: str(v, 'name') }),
  },
  {
    noun: 'tenant',
    verb: 'list',
    summary: '',
    options: {},
    run: (parts) => listTenants(parts.deps, actor),
  },
  {
    noun: 'tenant',
    verb: 'show',
    summary: '--id ID',
    options: idOption,
    run: (parts, _c, v) => showTenant(parts.deps, actor, str(v, 'id')),
  },
  {
    noun: 'tenant',
    verb: 'domain add',
    summary: '--tenant ID --domain D [--verified]   (prints the DNS TXT value; --verified: local store only)',
    options: { tenant: { type: 'string' }, domain: { type: 'string' }, verified: { type: 'boolean' } },
    async run(parts, config, v) {
      const verified = v.verified === true;
      // Marking a domain proved without DNS is for npm start and tests: never on a deployment.
      if (verified && !isLocalIssuer(config.issuer))
        throw new UsageError('--verified works with the local store only; publish the TXT record instead');
      const d = await addTenantDomain(parts.deps, actor, {
        tenantId: str(v, 'tenant'),
        domain: str(v, 'domain'),
        verified,
      });
      return {
        tenant: d.tenantId,
        domain: d.domain,
        verified: d.verified,
        dns_txt: domainProof(d),
      };
    },
  },
  {
    noun: 'tenant',
    verb: 'domain verify',
    summary:
      '--tenant ID --domain D   (looks up the DNS TXT record; the domain is proved when it carries the value)',
    options: { tenant: { type: 'string' }, domain: { type: 'string' } },
    async run(parts, _c, v) {
      const d = await verifyTenantDomain(parts.deps, actor, {
        tenantId: str(v, 'tenant'),
        domain: str(v, 'domain'),
      });
      return { tenant: d.tenantId, domain: d.domain, verified: d.verified };
    },
  },
  {
    noun: 'connection',
    verb: 'add',
    summary: `--id ID --tenant T --type entra|okta|oidc --client-id C ${CREDENTIAL_USAGE} (--entra-tenant-id GUID [--authority URL] | --issuer URL) [--scopes "openid email profile"] [--display-name N] [--domains d1,d2] [--button] [--upstream-logout] [--allow-consumer]`,
    options: {
      id: { type: 'string' },
      tenant: { type: 'string' },
      type: { type: 'string' },
      'client-id': { type: 'string' },
      ...credentialOptions,
      'entra-tenant-id': { type: 'string' },
      authority: { type: 'string' },
      issuer: { type: 'string' },
      scopes: { type: 'string' },
      'display-name': { type: 'string' },
      domains: { type: 'string', multiple: true },
      button: { type: 'boolean' },
      'upstream-logout': { type: 'boolean' },
      'allow-consumer': { type: 'boolean' },
    },
    run(parts, _c, v) {
      const type = str(v, 'type') as ConnectionType;
      if (!TYPES.includes(type)) throw new UsageError('--type must be entra, okta or oidc');
      if (type === 'entra' && v.issuer !== undefined)
        throw new UsageError('entra takes --entra-tenant-id, not --issuer');
      if (type !== 'entra' && (v['entra-tenant-id'] !== undefined || v.authority !== undefined))
        throw new UsageError('--entra-tenant-id and --authority are for --type entra');
      const scopes = optional(v, 'scopes');
      return addConnection(parts.deps, actor, {
        id: str(v, 'id'),
        tenantId: str(v, 'tenant'),
        type,
        clientId: str(v, 'client-id'),
        ...credential(v),
        ...(type === 'entra' ? { entraTenantId: str(v, 'entra-tenant-id') } : { issuer: str(v, 'issuer') }),
        ...(optional(v, 'authority') !== undefined ? { authority: optional(v, 'authority') as string } : {}),
        ...(scopes !== undefined ? { scopes: scopes.split(/\s+/).filter(Boolean) } : {}),
        ...(optional(v, 'display-name') !== undefined
          ? { displayName: optional(v, 'display-name') as string }
          : {}),
        domains: csv(v, 'domains'),
        button: v.button === true,
        upstreamLogout: v['upstream-logout'] === true,
        allowConsumer: v['allow-consumer'] === true,
      });
    },
  },
  {
    noun: 'connection',
    verb: 'set-credential',
    summary: `--id ID ${CREDENTIAL_USAGE}   (replaces it; in use within a minute)`,
    options: { ...idOption, ...credentialOptions },
    run: (parts, _c, v) => setConnectionCredential(parts.deps, actor, { id: str(v, 'id'), ...credential(v) }),
  },
  {
    noun: 'connection',
    verb: 'show',
    summary: '--id ID',
    options: idOption,
    run: (parts, _c, v) => showConnection(parts.deps, actor, str(v, 'id')),
  },
  {
    noun: 'connection',
    verb: 'list',
    summary: '',
    options: {},
    run: (parts) => listConnections(parts.deps, actor),
  },
  ...(['map-role', 'unmap-role'] as const).map(
    (verb): Command => ({
      noun: 'connection',
      verb,
      summary: '--id ID --claim groups|roles --value V --client C --role R',
      options: {
        id: { type: 'string' },
        claim: { type: 'string' },
        value: { type: 'string' },
        client: { type: 'string' },
        role: { type: 'string' },
      },
      run: (parts, _c, v) =>
        mapConnectionRole(parts.deps, actor, {
          id: str(v, 'id'),
          mapping: {
            claim: str(v, 'claim') as 'groups' | 'roles',
            value: str(v, 'value'),
            clientId: str(v, 'client'),
            role: str(v, 'role'),
          },
          remove: verb === 'unmap-role',
        }),
    }),
  ),
  {
    noun: 'connection',
    verb: 'trust-mfa',
    summary: '--id ID [--acr VALUE]... [--amr VALUE]...   (upstream values accepted as MFA)',
    options: {
      id: { type: 'string' },
      acr: { type: 'string', multiple: true },
      amr: { type: 'string', multiple: true },
    },
    run: (parts, _c, v) =>
      trustConnectionMfa(parts.deps, actor, { id: str(v, 'id'), acr: list(v, 'acr'), amr: list(v, 'amr') }),
  },
  ...(['enable', 'disable'] as const).map(
    (verb): Command => ({
      noun: 'connection',
      verb,
      summary: verb === 'disable' ? '--id ID   (ends the sessions of its users)' : '--id ID',
      options: idOption,
      run: (parts, _c, v) =>
        setConnectionEnabled(parts.deps, actor, { id: str(v, 'id'), enabled: verb === 'enable' }),
    }),
  ),
  {
    noun: 'connection',
    verb: 'remove',
    summary: '--id ID   (ends its users’ sessions and removes its links)',
    options: idOption,
    async run(parts, _c, v) {
      await removeConnection(parts.deps, actor, str(v, 'id'));
      return { id: str(v, 'id'), removed: true };
    },
  },
  {
    noun: 'user',
    verb: 'link',
    summary: '--email E --connection ID --subject S   (Entra: the object id, oid; others: sub)',
    options: { email: { type: 'string' }, connection: { type: 'string' }, subject: { type: 'string' } },
    run: (parts, _c, v) =>
      linkUser(parts.deps, actor, {
        email: str(v, 'email'),
        connectionId: str(v, 'connection'),
        subject: str(v, 'subject'),
      }),
  },
];
