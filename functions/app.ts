import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';
import serverless from 'serverless-http';
import { accountClient, CONSOLE_PAGE, pageClient } from './account/client.ts';
import type { RefreshOptions } from './adapters/secrets/refresh.ts';
import type { Config } from './config/config.ts';
import type { DomainDeps } from './domain/deps.ts';
import type { AccountActivity, SecretStore } from './domain/ports.ts';
import { basePath, issuerBasePath, mountAt } from './http/base-path.ts';
import type { HttpApiHandler } from './http/lambda.ts';
import { loadedOnFirstRequest } from './http/lazy-router.ts';
import { loadBrowserLocale, localeOf } from './http/locale.ts';
import { requestOrigin } from './http/request-origin.ts';
import { securityHeaders } from './http/security-headers.ts';
import { messages } from './i18n/index.ts';
import { federationCallback, federationLogout } from './interactions/federation.ts';
import { invitationLinks } from './interactions/invitation.ts';
import { interactionRoutes } from './interactions/routes.ts';
import type { InteractionServices } from './interactions/services.ts';
import { rebuildOnKeyChange } from './oidc/key-refresh.ts';
import { loadProviderKeys, type ProviderKeys } from './oidc/keys.ts';
import { metadataCacheControl, replayingMetadata } from './oidc/metadata-cache.ts';
import { createProvider, type ProviderDeps } from './oidc/provider.ts';
import { errorFields, type Logger, withRequestContext } from './shared/logger.ts';
import { renderPage } from './views/index.ts';

/** What the HTTP application is assembled from, built once per container (functions/idp/parts.ts). */
export interface SesameParts extends Pick<ProviderDeps, 'adapterFor' | 'logger' | 'policyStrength'> {
  /** The domain's one dependencies object: every store, the clock, the mailer, the configuration. */
  deps: DomainDeps;
  /**
   * Runs one request's storage work together (adapters/dynamodb/request-scope.ts): reads share round
   * trips; with `bufferWrites`, the request's protocol writes go out together before it answers.
   */
  requestScope?: <T>(options: { bufferWrites: boolean }, run: () => Promise<T>) => Promise<T>;
  secrets: SecretStore;
  services: InteractionServices;
  /** Each user's sessions and grants, for the account page (the oidc adapter keeps the index). */
  activity: AccountActivity;
}

export interface Sesame {
  provider: Provider;
  /** The Lambda handler (API Gateway REST API proxy integration, payload v1). */
  handler: HttpApiHandler;
}

/**
 * Assembles the HTTP application: security headers, Sesame's interaction pages, the account page,
 * then oidc-provider.
 * The same object runs in Lambda and behind `npm start`. `keys`: already read (the Lambda handler
 * reads them to notice rotations, functions/oidc/key-refresh.ts); else read here.
 */
export async function createSesame(
  config: Config,
  parts: SesameParts,
  preloaded?: ProviderKeys,
): Promise<Sesame> {
  const keys = preloaded ?? (await loadProviderKeys(parts.secrets));
  // The account page signs in as a built-in first-party client (functions/account/client.ts).
  const { users, roles, clients, tenantSettings } = parts.deps;
  const provider = createProvider({
    ...parts,
    tenantSettings,
    users,
    roles,
    clients,
    config,
    keys,
    builtInClients: [accountClient(config.issuer), pageClient(config.issuer, CONSOLE_PAGE)],
  });
  if (config.proxy) {
    // Behind API Gateway only the last X-Forwarded-For hop is trustworthy (the gateway appends it).
    provider.maxIpsCount = 1;
  }
  provider.use(pinnedToIssuer(config.issuer, config.proxy));
  provider.use(mountAt(issuerBasePath(config.issuer)));
  provider.use(metadataCacheControl);
  provider.use(requestContext);
  provider.use(securityHeaders);
  provider.use(neverLeak(parts.logger));
  if (parts.requestScope) provider.use(storageScope(parts.requestScope));
  // The pages' language is read before them: its catalogue may be a chunk not loaded yet (i18n).
  const pages: Middleware[] = [loadBrowserLocale, homeAndNotFound];
  pages.push(
    interactionRoutes(provider, parts.services, parts.logger),
    federationCallback(provider, parts.services, config.issuer, parts.logger),
    federationLogout(provider, parts.services, parts.logger),
    invitationLinks(provider, parts.services, parts.logger),
  );
  const csrfKey = keys.cookieKeys[0];
  if (!csrfKey) throw new Error('no cookie-signing key loaded');
  pages.push(
    // The admin API and the console are loaded by the first request under /admin (http/lazy-router.ts).
    loadedOnFirstRequest('/admin', async () => {
      const [{ adminApi }, { consoleRoutes }] = await Promise.all([
        import('./admin-api/api.ts'),
        import('./console/routes.ts'),
      ]);
      const api = adminApi({ deps: parts.deps, keys: keys.jwks, logger: parts.logger });
      const consolePages = consoleRoutes(provider, {
        deps: parts.deps,
        federatedSessionSeconds: config.ttl.federatedSessionSeconds,
        logger: parts.logger,
        csrfKey,
      });
      return (ctx, next) => api(ctx, () => consolePages(ctx, next));
    }),
    loadedOnFirstRequest('/account', async () =>
      (await import('./account/routes.ts')).accountRoutes(provider, {
        mfa: parts.deps,
        activity: parts.activity,
        issuer: config.issuer,
        federatedSessionSeconds: config.ttl.federatedSessionSeconds,
        sessionSeconds: config.ttl.sessionSeconds,
        logger: parts.logger,
        csrfKey,
      }),
    ),
  );
  provider.use(pagesOffTheBackChannel(pages));
  // serverless-http marks every request as TLS; the scheme really is the issuer's (https behind
  // API Gateway, plain http only for the local server), which decides Secure cookies and URLs.
  const tls = new URL(config.issuer).protocol === 'https:';
  const wrapped = serverless(provider.callback(), {
    binary: ['image/*'],
    request: (req: { socket: { encrypted: boolean } }) => {
      req.socket.encrypted = tls;
    },
  });
  const handler = replayingMetadata(
    (event, context) => wrapped(event, context) as ReturnType<HttpApiHandler>,
    issuerBasePath(config.issuer),
  );
  return { provider, handler };
}

/**
 * The application as the Lambda runs it: built on first use and rebuilt whenever the signing or cookie
 * keys change (re-read every 5 minutes: functions/oidc/key-refresh.ts), so a rotation step reaches a
 * running container without a recycle. `parts` is asked for on each use so it can be built lazily.
 */
export function sesameWithKeyRefresh(
  config: Config,
  parts: () => SesameParts,
  refresh: RefreshOptions = {},
): () => Promise<Sesame> {
  return rebuildOnKeyChange({
    readKeys: () => loadProviderKeys(parts().secrets),
    build: (keys) => createSesame(config, parts(), keys),
    onRefreshError: (err) =>
      parts().logger.error('keys.refresh_failed', { keySet: 'provider', ...errorFields(err) }),
    ...refresh,
  });
}

/**
 * oidc-provider builds the URLs it advertises (discovery, redirects) from the request's Host (and,
 * behind a proxy, X-Forwarded-Host/-Proto). Those are the client's to choose: a cache or proxy keyed
 * without Host would hand relying parties an attacker's endpoints. Every request is therefore
 * treated as addressed to the configured issuer.
 */
function pinnedToIssuer(issuer: string, proxy: boolean) {
  const { host, protocol } = new URL(issuer);
  return async (ctx: Context, next: Next): Promise<void> => {
    const headers = ctx.req.headers;
    headers.host = host;
    delete headers['x-forwarded-host'];
    if (proxy) headers['x-forwarded-proto'] = protocol.slice(0, -1);
    await next();
  };
}

async function requestContext(ctx: Context, next: Next): Promise<void> {
  const rc = (ctx.req as { requestContext?: { requestId?: string } }).requestContext;
  const requestId = rc?.requestId ?? 'local';
  ctx.set('X-Request-Id', requestId);
  await withRequestContext({ requestId, ...requestOrigin(ctx) }, next);
}

/**
 * The issuer's root is a page saying what Sesame is (with the way to one's account), and any path
 * nobody serves gets a page in Sesame's look with a way forward — not the framework's bare text.
 */
async function homeAndNotFound(ctx: Context, next: Next): Promise<void> {
  if (ctx.path === '/' && ctx.method === 'GET') {
    const locale = localeOf(ctx);
    ctx.type = 'html';
    ctx.body = renderPage('home', messages(locale).home.title, basePath(ctx), { locale });
    return;
  }
  await next();
  if (ctx.status === 404 && ctx.body == null) {
    const locale = localeOf(ctx);
    const t = messages(locale).error;
    ctx.status = 404;
    ctx.type = 'html';
    ctx.body = renderPage('error', t.notFoundTitle, basePath(ctx), {
      heading: t.notFoundHeading,
      message: t.notFoundMessage,
      code: 'not_found',
      locale,
    });
  }
}

type Middleware = (ctx: Context, next: Next) => Promise<void>;

/** Paths oidc-provider alone answers: the back channel apps' servers call, and the metadata. */
const BACK_CHANNEL = new Set([
  '/token',
  '/token/introspection',
  '/token/revocation',
  '/me',
  '/jwks',
  '/.well-known/openid-configuration',
]);

/**
 * Sesame's pages and their routers, in order, skipped as a whole for the back channel: a token or
 * introspection request does not ask eight page routers whether the path is theirs.
 */
function pagesOffTheBackChannel(pages: Middleware[]): Middleware {
  return (ctx, next) => {
    if (BACK_CHANNEL.has(ctx.path)) return next();
    const run = (i: number): Promise<void> => {
      const page = pages[i];
      return page ? page(ctx, () => run(i + 1)) : next();
    };
    return run(0);
  };
}

/**
 * Each request's storage work in one scope. The authorization endpoint (the resume after sign-in
 * writes the interaction's end, the grant, the code and the session) and the token endpoint write
 * once, at the end: inside neverLeak, so a failed write answers 500 and no code or token leaves.
 */
function storageScope(scope: NonNullable<SesameParts['requestScope']>) {
  return (ctx: Context, next: Next): Promise<void> => {
    const bufferWrites = ctx.path === '/token' || ctx.path === '/auth' || ctx.path.startsWith('/auth/');
    return scope({ bufferWrites }, () => next());
  };
}

/**
 * Last line of defence for anything outside oidc-provider's own error handling: a plain 500 page
 * without details (the error is logged by name only, never sent to the client).
 */
function neverLeak(logger: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
    } catch (err) {
      logger.error('http.unhandled', errorFields(err));
      // A redirect made before the failure (the authorization endpoint's, with its code, when the
      // request's deferred writes then fail) must not leave with the error page.
      ctx.remove('Location');
      ctx.status = 500;
      ctx.type = 'text/plain';
      ctx.body = 'Something went wrong.';
    }
  };
}
