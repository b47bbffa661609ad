import { randomBytes } from 'node:crypto';
import { DomainError } from './errors.ts';
import type { AdminApiAccess, AppClient, ClientStore } from './ports.ts';

/**
 * Relying apps. Each is an OIDC client with its own role names (MxID: roles belong to an app).
 * Redirect URIs must be https, except loopback http for development (RFC 8252 §7.3), and are
 * matched by exact string comparison by oidc-provider.
 */
export type InvalidClientReason =
  | 'redirect_uri_not_absolute'
  | 'redirect_uri_fragment'
  | 'redirect_uri_credentials'
  | 'redirect_uri_scheme'
  | 'role_name'
  | 'client_id_format'
  | 'client_id_reserved'
  | 'no_grant'
  | 'public_client_credentials'
  | 'admin_api'
  | 'backchannel_logout_uri';

export class InvalidClient extends DomainError {
  override name = 'InvalidClient';
  /** `value`: the offending input as the administrator gave it (a URI, a role name), for the message. */
  constructor(
    readonly reason: InvalidClientReason,
    readonly value?: string,
  ) {
    super('invalid_client', reason);
  }
}
export class ClientExists extends DomainError {
  override name = 'ClientExists';
  constructor(clientId: string) {
    super('client_exists', clientId);
  }
}

export interface ClientRegistration {
  clientId: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  /** Public clients (SPAs, native apps) have no secret and must use PKCE (every client must). */
  public?: boolean;
  roles?: string[];
  clientCredentials?: boolean;
  firstParty?: boolean;
  requireMfa?: boolean;
  name?: string;
  /**
   * OIDC third-party initiated login (Core §4): where Sesame sends a user to start signing in to
   * this app, e.g. after accepting an invitation (https, or http on loopback).
   */
  initiateLoginUri?: string;
  /**
   * OIDC Back-Channel Logout: where Sesame POSTs a logout token (with `sid`) when the user signs out
   * of Sesame or ends the app's session from the account page (https, or http on loopback).
   */
  backchannelLogoutUri?: string;
  adminApi?: AdminApiAccess;
}

const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{2,63}$/;

/** Sesame's own account page signs users in as this built-in app; no registered app may take the id. */
export const ACCOUNT_CLIENT_ID = 'sesame-account';
/** … and the admin console (functions/console) as this one. */
export const CONSOLE_CLIENT_ID = 'sesame-admin';
const RESERVED = new Set([ACCOUNT_CLIENT_ID, CONSOLE_CLIENT_ID]);
const ROLE = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

export function checkRedirectUri(uri: string): void {
  const url = URL.parse(uri);
  if (!url || uri.length > 2000) throw new InvalidClient('redirect_uri_not_absolute', uri);
  if (url.hash || uri.includes('#')) throw new InvalidClient('redirect_uri_fragment', uri);
  if (url.username || url.password) throw new InvalidClient('redirect_uri_credentials', uri);
  const loopbackHttp = url.protocol === 'http:' && LOOPBACK.has(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp) {
    throw new InvalidClient('redirect_uri_scheme', uri);
  }
}

export function checkRoleName(role: string): void {
  if (!ROLE.test(role)) throw new InvalidClient('role_name', role);
}

export interface RegisteredClient {
  client: AppClient;
  /** Returned once, at registration; only oidc-provider reads it afterwards. */
  clientSecret: string | null;
}

export function buildClient(reg: ClientRegistration, now: Date): RegisteredClient {
  if (!CLIENT_ID.test(reg.clientId)) throw new InvalidClient('client_id_format', reg.clientId);
  if (RESERVED.has(reg.clientId)) throw new InvalidClient('client_id_reserved', reg.clientId);
  const wantsCode = reg.redirectUris.length > 0;
  if (!wantsCode && !reg.clientCredentials) throw new InvalidClient('no_grant');
  if (reg.public && reg.clientCredentials) throw new InvalidClient('public_client_credentials');
  reg.redirectUris.forEach(checkRedirectUri);
  (reg.postLogoutRedirectUris ?? []).forEach(checkRedirectUri);
  if (reg.initiateLoginUri !== undefined) checkRedirectUri(reg.initiateLoginUri);
  if (reg.backchannelLogoutUri !== undefined) {
    if (!wantsCode) throw new InvalidClient('backchannel_logout_uri');
    checkRedirectUri(reg.backchannelLogoutUri);
  }
  const roles = [...new Set(reg.roles ?? [])];
  roles.forEach(checkRoleName);
  if (reg.adminApi !== undefined)
    checkAdminApi(reg.adminApi, { wantsCode, clientCredentials: reg.clientCredentials === true });

  const clientSecret = reg.public ? null : randomBytes(32).toString('base64url');
  const grantTypes = [
    ...(wantsCode ? ['authorization_code', 'refresh_token'] : []),
    ...(reg.clientCredentials ? ['client_credentials'] : []),
  ];
  const metadata: Record<string, unknown> = {
    client_name: reg.name ?? reg.clientId,
    redirect_uris: reg.redirectUris,
    post_logout_redirect_uris: reg.postLogoutRedirectUris ?? [],
    grant_types: grantTypes,
    response_types: wantsCode ? ['code'] : [],
    token_endpoint_auth_method: reg.public ? 'none' : 'client_secret_basic',
    scope: 'openid offline_access email profile roles',
    ...(clientSecret ? { client_secret: clientSecret } : {}),
    ...(reg.backchannelLogoutUri ? backchannelLogout(reg.backchannelLogoutUri) : {}),
  };
  return {
    client: {
      clientId: reg.clientId,
      metadata,
      roles,
      firstParty: reg.firstParty ?? true,
      ...(reg.requireMfa ? { requireMfa: true } : {}),
      ...(reg.initiateLoginUri ? { initiateLoginUri: reg.initiateLoginUri } : {}),
      ...(reg.adminApi ? { adminApi: reg.adminApi } : {}),
      createdAt: now.toISOString(),
    },
    clientSecret,
  };
}

/** The client metadata of back-channel logout: every logout token names the session (`sid`). */
export function backchannelLogout(uri: string): Record<string, unknown> {
  return { backchannel_logout_uri: uri, backchannel_logout_session_required: true };
}

const ADMIN_TENANT = /^tenant:[a-z0-9][a-z0-9-]{1,62}$/;

/**
 * `users` needs the code flow (users sign in), `global`/`tenant:<id>` the client-credentials grant
 * (the app acts on its own): a setting the app cannot use is refused rather than kept unused.
 */
export function checkAdminApi(
  value: string,
  grants: { wantsCode: boolean; clientCredentials: boolean },
): asserts value is AdminApiAccess {
  const automation = value === 'global' || ADMIN_TENANT.test(value);
  if (value === 'users' ? !grants.wantsCode : !automation || !grants.clientCredentials)
    throw new InvalidClient('admin_api', value);
}

export async function registerClient(
  clients: ClientStore,
  reg: ClientRegistration,
  now: Date,
): Promise<RegisteredClient> {
  const built = buildClient(reg, now);
  if (await clients.get(reg.clientId)) throw new ClientExists(reg.clientId);
  await clients.put(built.client);
  return built;
}
