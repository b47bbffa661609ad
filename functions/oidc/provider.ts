import Provider, {
  type Adapter,
  type Configuration,
  type errors,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import type { Config } from '../config/config.ts';
import { isLocalIssuer } from '../domain/federation/settings.ts';
import type { ClientStore, RoleStore, Tenant, UserStore } from '../domain/ports.ts';
import { issuerBasePath } from '../http/base-path.ts';
import { LOCALES } from '../i18n/index.ts';
import type { Logger } from '../shared/logger.ts';
import { accountFinder } from './account.ts';
import { ACR } from './acr.ts';
import { ADMIN_API_METADATA, adminResourceIndicators, adminTokenClaims } from './admin-resource.ts';
import { withBoundedIds } from './bounded-ids.ts';
import { DirectoryClientAdapter } from './client-adapter.ts';
import { firstPartyGrantLoader } from './first-party-grant.ts';
import type { ProviderKeys } from './keys.ts';
import { refreshTokenTtl, sessionTtl } from './lifetimes.ts';
import { errorPage, loggedOutPage, logoutPage } from './pages.ts';
import { interactionPolicyFor, type PolicyStrength, sessionNoLongerCounts } from './session-check.ts';

export interface ProviderDeps {
  config: Config;
  keys: ProviderKeys;
  users: UserStore;
  roles: RoleStore;
  clients: ClientStore;
  /** Storage for every oidc-provider model except Client. */
  adapterFor: (model: string) => Adapter;
  logger: Logger;
  /** MFA policy for existing sessions (step-up when an app requires more than the session has). */
  policyStrength?: PolicyStrength;
  /** Clients that live in code, not in the directory (Sesame's own account page). */
  builtInClients?: Configuration['clients'];
  /** A tenant's settings (cached): its name for the `tenant` claim, its federation-only policy. */
  tenantSettings: (tenantId: string) => Promise<Tenant | null>;
}

/**
 * oidc-provider configured for production, not its development defaults (SECURITY.md):
 * no devInteractions, PKCE S256 for every client, `code` as the only response type, every refresh
 * token rotated, RFC 9207 `iss` in authorization responses, short-lived codes and access tokens.
 */
export function createProvider(deps: ProviderDeps): Provider {
  const { config } = deps;
  const lifetimes = {
    sessionSeconds: config.ttl.sessionSeconds,
    refreshTokenSeconds: config.ttl.refreshTokenSeconds,
    federatedSeconds: config.ttl.federatedSessionSeconds,
  };
  const clientAdapter = withBoundedIds(new DirectoryClientAdapter(deps.clients));
  const configuration: Configuration = {
    adapter: ((name: string) =>
      name === 'Client' ? clientAdapter : withBoundedIds(deps.adapterFor(name))) as never,
    // Sesame's own account page is the one built-in app; every other app lives in the directory.
    clients: deps.builtInClients ?? [],
    findAccount: accountFinder(deps.users, deps.roles, lifetimes, deps.tenantSettings),
    jwks: deps.keys.jwks as Configuration['jwks'],
    cookies: {
      keys: deps.keys.cookieKeys,
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    responseTypes: ['code'],
    pkce: { required: () => true },
    rotateRefreshToken: true,
    scopes: ['openid', 'offline_access', 'email', 'profile', 'roles'],
    claims: {
      acr: null,
      amr: null,
      auth_time: null,
      sid: null,
      iss: null,
      // acr/amr/auth_time always go into ID tokens: apps need them to judge how the user signed in.
      openid: ['sub', 'acr', 'amr', 'auth_time', 'tenant'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      roles: ['roles'],
    },
    // ID tokens carry the granted scope claims (name, e-mail, roles) so apps need no userinfo call.
    conformIdTokenClaims: false,
    acrValues: Object.values(ACR),
    // `sesame_idp=<connection id>` sends the user straight to that upstream (like Keycloak's
    // kc_idp_hint); the interaction pages decide what it is worth (interactions/login.ts).
    extraParams: ['sesame_idp'],
    extraClientMetadata: {
      properties: ['first_party', ADMIN_API_METADATA],
      validator(_ctx, key, value) {
        if (key === 'first_party' && value !== undefined && typeof value !== 'boolean') {
          throw new Error('first_party must be a boolean');
        }
        if (key === ADMIN_API_METADATA && value !== undefined && typeof value !== 'string') {
          throw new Error(`${ADMIN_API_METADATA} must be a string`);
        }
      },
    },
    // The admin API's tokens (admin-resource.ts): JWTs for that resource only.
    extraTokenClaims: adminTokenClaims(config.issuer) as Configuration['extraTokenClaims'],
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256', 'ES256'],
      userinfoSigningAlgValues: ['RS256', 'ES256'],
      introspectionSigningAlgValues: ['RS256', 'ES256'],
      authorizationSigningAlgValues: ['RS256', 'ES256'],
      clientAuthSigningAlgValues: ['RS256', 'ES256', 'PS256', 'EdDSA'],
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: adminResourceIndicators(config.issuer) as NonNullable<
        Configuration['features']
      >['resourceIndicators'],
      introspection: {
        enabled: true,
        // Only the app a token was issued to may introspect it: the library's default lets any
        // confidential client learn whether another app's token is live and whose it is.
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // Named only while the session counts (session-check.ts): an ended one names nobody.
        logoutSource: logoutPage(async ({ accountId, uid, authTime }) => {
          const user = await deps.users.findById(accountId);
          return user && !sessionNoLongerCounts(user, uid, authTime) ? user.email : null;
        }),
        postLogoutSuccessSource: loggedOutPage,
      },
      // OIDC Back-Channel Logout: apps that register a backchannel_logout_uri get a logout token when
      // the user signs out here, or ends the app's session from the account page (account/activity.ts).
      backchannelLogout: { enabled: true },
      // RFC 9207: the `iss` parameter in authorization responses defends against mix-up attacks.
      // (Enabled by default in oidc-provider 9; named here so nobody turns it off by accident.)
    },
    // oidc-provider refuses to connect to loopback and private addresses (SSRF protection) when it
    // calls apps (back-channel logout). A local Sesame on http://127.0.0.1 talks to local apps, so
    // there, and only there, the check is lifted.
    ...(isLocalIssuer(config.issuer)
      ? {
          fetch: (url: URL | string | Request, init?: RequestInit & { dispatcher?: unknown }) => {
            const { dispatcher: _ssrfCheck, ...options } = init ?? {};
            return globalThis.fetch(url, options);
          },
        }
      : {}),
    loadExistingGrant: firstPartyGrantLoader,
    interactions: {
      policy: interactionPolicyFor(deps.users, lifetimes, deps.tenantSettings, deps.policyStrength),
      url: (_ctx, interaction) => `${issuerBasePath(config.issuer)}/interaction/${interaction.uid}`,
    },
    renderError: errorPage,
    ttl: {
      // The admin API's resource sets its own, shorter lifetime (admin-resource.ts).
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? config.ttl.accessTokenSeconds,
      AuthorizationCode: config.ttl.authorizationCodeSeconds,
      ClientCredentials: (_ctx, token) =>
        token.resourceServer?.accessTokenTTL ?? config.ttl.accessTokenSeconds,
      IdToken: config.ttl.idTokenSeconds,
      RefreshToken: refreshTokenTtl(lifetimes),
      Interaction: config.ttl.interactionSeconds,
      Session: sessionTtl(lifetimes),
      Grant: config.ttl.grantSeconds,
    },
    // The languages of the pages (functions/i18n): an app's `ui_locales` picks one (OIDC Discovery §3).
    discovery: { ui_locales_supported: [...LOCALES] },
    // Refresh tokens are issued to apps allowed the refresh_token grant that asked for offline_access.
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
  };
  const provider = new Provider(config.issuer, configuration);
  provider.proxy = config.proxy;
  watchEvents(provider, deps.logger);
  return provider;
}

/** Library events worth a log line; none of them carries a secret in the fields we pick. */
function watchEvents(provider: Provider, logger: Logger): void {
  provider.on('server_error', (_ctx: KoaContextWithOIDC, err: Error) =>
    logger.error('oidc.server_error', { errorName: err.name, errorMessage: err.message }),
  );
  const failure = (event: string) => (ctx: KoaContextWithOIDC, err: errors.OIDCProviderError) =>
    logger.warn(`oidc.${event}`, {
      error: err.message,
      description: err.error_description,
      clientId: ctx.oidc?.client?.clientId,
    });
  provider.on('grant.error', failure('grant.error'));
  provider.on('revocation.error', failure('revocation.error'));
  provider.on('introspection.error', failure('introspection.error'));
  provider.on('userinfo.error', failure('userinfo.error'));
  provider.on('end_session.error', failure('end_session.error'));
  provider.on('grant.revoked', (_ctx: KoaContextWithOIDC, grantId: string) =>
    logger.info('oidc.grant.revoked', { grantId }),
  );
  provider.on('backchannel.error', (_ctx: unknown, err: Error, client: { clientId: string }) =>
    logger.warn('backchannel_logout.failed', { clientId: client.clientId, error: err.message.slice(0, 200) }),
  );
  provider.on('end_session.success', (ctx: KoaContextWithOIDC) =>
    logger.info('oidc.end_session.success', { clientId: ctx.oidc?.client?.clientId }),
  );
}
