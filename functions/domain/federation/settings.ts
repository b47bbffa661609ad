import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { DomainError } from '../errors.ts';
import type { ConnectionType } from '../ports.ts';

/**
 * What makes a tenant's or connection's settings acceptable. Issuers are typed by administrators and
 * then fetched by the server (SSRF): https only, except plain http to a loopback address when Sesame
 * itself runs on loopback http (npm start, tests) — never on a deployment.
 */
export type InvalidSettingReason =
  | 'id_format'
  | 'unknown_tenant'
  | 'issuer_url'
  | 'authority_url'
  | 'entra_tenant_id'
  | 'consumer_tenant'
  | 'client_id'
  | 'client_secret'
  | 'credential'
  | 'certificate'
  | 'certificate_expired'
  | 'private_key'
  | 'key_mismatch'
  | 'certificate_in_use'
  | 'scopes'
  | 'domain'
  | 'domain_not_held'
  | 'mapping'
  | 'trust'
  | 'link_tenant'
  | 'link_taken'
  | 'admin_tenant'
  | 'invitation_used'
  | 'foreign_domain'
  | 'logo_url'
  /** An app's logo: a PNG, JPEG, GIF or WebP image of at most 24 KiB. */
  | 'logo_image'
  | 'accent'
  | 'changed_meanwhile'
  | 'name'
  /** The domain's TXT record does not carry the tenant's proof (yet). */
  | 'domain_unproved'
  /** The DNS could not be asked: try again later. */
  | 'dns_unavailable'
  /** The tenant signs in through its connections only. */
  | 'federation_only';

export function invalid(reason: InvalidSettingReason): DomainError {
  return new DomainError('invalid_setting', reason);
}

const ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** Whether it has the shape of a tenant or connection id (anything else names nothing). */
export const isId = (id: string): boolean => ID.test(id);

export function checkId(id: string): string {
  if (!isId(id)) throw invalid('id_format');
  return id;
}

export function checkName(name: string): string {
  const n = name.normalize('NFC').trim();
  if (n.length < 1 || n.length > 200) throw invalid('name');
  return n;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether Sesame itself runs on loopback http: only then may upstreams be plain http on loopback. */
export function isLocalIssuer(sesameIssuer: string): boolean {
  const url = new URL(sesameIssuer);
  return url.protocol === 'http:' && LOOPBACK.has(url.hostname);
}

function checkUrl(value: string, sesameIssuer: string, reason: 'issuer_url' | 'authority_url'): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(reason);
  }
  // `https://idp.example/#` parses with an empty hash: the raw text is checked too.
  if (url.search || url.hash || url.username || url.password || /[?#]/.test(value)) throw invalid(reason);
  const https = url.protocol === 'https:';
  const loopbackHttp = url.protocol === 'http:' && LOOPBACK.has(url.hostname) && isLocalIssuer(sesameIssuer);
  if (!https && !loopbackHttp) throw invalid(reason);
  // A real identity provider has a DNS name its certificate is issued for: an address typed as the host
  // is refused on a deployment, where the fetch guard would refuse it at every sign-in anyway.
  if (
    !isLocalIssuer(sesameIssuer) &&
    (isIP(url.hostname.replace(/^\[|\]$/g, '')) || url.hostname === 'localhost')
  )
    throw invalid(reason);
  return url;
}

/** The exact issuer of an Okta or generic OIDC connection, as typed (no trailing slash added or taken). */
export function checkIssuer(value: string, sesameIssuer: string): string {
  checkUrl(value, sesameIssuer, 'issuer_url');
  return value;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Microsoft's tenant of personal accounts (outlook.com, …): anyone can have an identity there. */
export const ENTRA_CONSUMER_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
export const ENTRA_AUTHORITY = 'https://login.microsoftonline.com';

/**
 * Entra: one connection per customer directory, issuer `<authority>/<tid>/v2.0`. `--authority` (scheme
 * and host only) exists for tests and `npm start` with a mock; on a deployment it is refused.
 */
export function entraIssuer(
  input: { tenantId: string; authority?: string; allowConsumer?: boolean },
  sesameIssuer: string,
): string {
  const tid = input.tenantId.toLowerCase();
  if (!GUID.test(tid)) throw invalid('entra_tenant_id');
  if (tid === ENTRA_CONSUMER_TENANT && !input.allowConsumer) throw invalid('consumer_tenant');
  let authority = ENTRA_AUTHORITY;
  if (input.authority !== undefined) {
    if (!isLocalIssuer(sesameIssuer)) throw invalid('authority_url');
    const url = checkUrl(input.authority, sesameIssuer, 'authority_url');
    if (url.pathname !== '/') throw invalid('authority_url');
    authority = url.origin;
  }
  return `${authority}/${tid}/v2.0`;
}

export function checkScopes(scopes: string[] | undefined, type: ConnectionType): string[] {
  const list =
    scopes ?? (type === 'okta' ? ['openid', 'email', 'profile', 'groups'] : ['openid', 'email', 'profile']);
  if (!list.includes('openid') || list.some((s) => !/^[\x21-\x7e]{1,128}$/.test(s))) throw invalid('scopes');
  return list;
}

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** A domain as it is claimed, proved and compared: in its ASCII (IDNA) form, `bücher.example` as `xn--bcher-kva.example`. */
export function checkDomain(domain: string): string {
  const d = domainToASCII(domain.trim().toLowerCase());
  if (!DOMAIN.test(d)) throw invalid('domain');
  return d;
}

/**
 * The domain of an address as routing compares it ('' when there is none worth looking up), after
 * the NFKC normalisation addresses are stored with: `ａｃｍｅ.example` is `acme.example`, and in its
 * ASCII (IDNA, UTS #46) form, as domains are claimed: `bücher.example` is `xn--bcher-kva.example`.
 * So no other spelling of a domain gets past routing or a tenant's claim on it.
 */
export function domainOf(email: string): string {
  const normalised = email.normalize('NFKC');
  const at = normalised.lastIndexOf('@');
  const domain =
    at < 1
      ? ''
      : normalised
          .slice(at + 1)
          .trim()
          .toLowerCase();
  const ascii = domain ? domainToASCII(domain) : '';
  return ascii.length > 253 ? '' : ascii;
}
