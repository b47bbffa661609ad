import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { UpstreamRefused } from '../domain/federation/upstream.ts';
import { loadOnce } from '../domain/load-once.ts';
import { isFederated } from '../oidc/lifetimes.ts';
import type { Logger } from '../shared/logger.ts';
import { refusal } from './federation-pages.ts';
import { renderFailure } from './routes.ts';
import type { InteractionServices } from './services.ts';

export const CALLBACK = /^\/federation\/([a-z0-9][a-z0-9-]{1,62})\/callback$/;
export const LOGGED_OUT = /^\/federation\/([a-z0-9][a-z0-9-]{1,62})\/logged-out$/;

/** Where the upstream returns the browser (federation-return.ts), loaded by the first return. */
const returns = loadOnce(() => import('./federation-return.ts'));

/**
 * `GET /federation/<connection>/callback`: where an upstream identity provider returns the browser.
 * The browser comes from another site, so only SameSite=Lax cookies arrive and the interaction's own
 * cookie (scoped to /interaction/<uid>) does not: the sign-in is found by the `state` kept server
 * side (domain/federation/sign-in.ts) and must come with the browser key cookie it was started with
 * (federation-pages.ts); finishing it sends the browser to oidc-provider's resume URL, whose cookie
 * binds the result to the browser that started the sign-in once more.
 */
export function federationCallback(
  provider: Provider,
  services: InteractionServices,
  issuer: string,
  logger: Logger,
) {
  return async function callback(ctx: Context, next: Next): Promise<void> {
    const match = CALLBACK.exec(ctx.path);
    if (!match) return next();
    ctx.set('Cache-Control', 'no-store');
    try {
      await (await returns()).signedInUpstream(ctx, provider, services, issuer, match[1] as string);
    } catch (err) {
      if (err instanceof UpstreamRefused) return refusal(ctx, err.reason);
      renderFailure(ctx, err, logger);
    }
  };
}

/**
 * Logout at the upstream too (domain/federation/logout.ts). When oidc-provider has ended a whole
 * session (the user confirmed "sign me out" at `/session/end/confirm`) that came from an upstream
 * provider, its redirect (to the app's post-logout URI, or Sesame's signed-out page) is sent through
 * the upstream's logout first; `GET /federation/<connection>/logged-out` is where the upstream sends
 * the browser back, and it continues to that redirect. A failure upstream never undoes Sesame's logout.
 */
export function federationLogout(provider: Provider, services: InteractionServices, logger: Logger) {
  provider.on('end_session.success', (ctx: Context) => {
    const { session, params } = (ctx as Context & { oidc: KoaContextWithOIDC['oidc'] }).oidc;
    if (params?.logout && session?.accountId && isFederated(session.amr))
      ctx.state.federatedLogout = session.accountId;
  });

  return async function logout(ctx: Context, next: Next): Promise<void> {
    const back = LOGGED_OUT.exec(ctx.path);
    if (back) {
      ctx.set('Cache-Control', 'no-store');
      try {
        await (await returns()).loggedOut(ctx, services, back[1] as string);
      } catch (err) {
        renderFailure(ctx, err, logger);
      }
      return;
    }
    await next();
    const userId: unknown = ctx.state.federatedLogout;
    const returnTo = ctx.response.get('Location');
    if (typeof userId !== 'string' || ctx.status !== 303 || !returnTo) return;
    try {
      const upstream = await services.federation.logoutUrl({ userId, returnTo });
      if (upstream) ctx.redirect(upstream); // still a 303
    } catch (err) {
      logger.warn('federation.logout_failed', { failure: err instanceof Error ? err.name : 'unknown' });
    }
  };
}
