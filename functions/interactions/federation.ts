import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { callbackUrl } from '../domain/federation/sign-in.ts';
import { UpstreamRefused } from '../domain/federation/upstream.ts';
import { basePath } from '../http/base-path.ts';
import { BadRequest } from '../http/forms.ts';
import { localeOf } from '../http/locale.ts';
import { messages } from '../i18n/index.ts';
import { ACR, amrFor } from '../oidc/acr.ts';
import { isFederated } from '../oidc/lifetimes.ts';
import type { Logger } from '../shared/logger.ts';
import { renderPage } from '../views/index.ts';
import { BROWSER_COOKIE, refusal } from './federation-pages.ts';
import { forgetIn } from './invitation.ts';
import { renderFailure } from './routes.ts';
import type { InteractionServices, SignedInUser } from './services.ts';

export const CALLBACK = /^\/federation\/([a-z0-9][a-z0-9-]{1,62})\/callback$/;
export const LOGGED_OUT = /^\/federation\/([a-z0-9][a-z0-9-]{1,62})\/logged-out$/;

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
    const connectionId = match[1] as string;
    try {
      if (ctx.method !== 'GET') throw new BadRequest(405, 'method_not_allowed');
      const url = new URL(callbackUrl(issuer, connectionId));
      url.search = ctx.querystring;
      const browserKey = ctx.cookies.get(BROWSER_COOKIE) ?? '';
      const signedIn = await services.federation.finish({ connectionId, callbackUrl: url, browserKey });
      if (signedIn.kind === 'link-offered') {
        // The user proves the existing account on Sesame's page, in the same interaction (link.ts).
        ctx.status = 303;
        return ctx.redirect(`${basePath(ctx)}/interaction/${signedIn.uid}/link`);
      }
      await finishInteraction(ctx, provider, services, signedIn);
    } catch (err) {
      if (err instanceof UpstreamRefused) return refusal(ctx, err.reason);
      renderFailure(ctx, err, logger);
    }
  };
}

async function finishInteraction(
  ctx: Context,
  provider: Provider,
  services: InteractionServices,
  signedIn: { uid: string; userId: string; user: SignedInUser; upstreamMfa: boolean; invitation?: string },
): Promise<void> {
  const interaction = await provider.Interaction.find(signedIn.uid);
  if (interaction?.prompt.name !== 'login') return refusal(ctx, 'expired');
  const { params } = interaction;
  const login = (acr: string, amr: string[]) => ({
    login: { accountId: signedIn.userId, acr, amr, remember: false },
  });

  let result = login(ACR.federatedMfa, ['fed', 'mfa']);
  if (!signedIn.upstreamMfa) {
    // Sesame's own MFA policy applies to federated users exactly as to password users.
    const signIn = {
      userId: signedIn.userId,
      // Just read by the callback: the MFA policy does not read the user again.
      user: signedIn.user,
      clientId: String(params.client_id ?? ''),
      acrValues: params.acr_values,
    };
    const second = await services.mfa.secondStep(signIn);
    if (second.required) {
      const outcome = await services.mfa.begin({
        ...signIn,
        step: second,
        uid: signedIn.uid,
        remember: false,
        expiresAt: interaction.exp * 1000,
        stepUp: false,
        first: 'federation',
        // Accepted when the second factor finishes the sign-in (mfa.ts).
        ...(signedIn.invitation ? { invitation: signedIn.invitation } : {}),
      });
      if (outcome === 'taken') return refusal(ctx, 'state_unknown');
      ctx.status = 303;
      return ctx.redirect(`${basePath(ctx)}/interaction/${signedIn.uid}/mfa`);
    }
    result = login(ACR.federated, amrFor(null, 'federation'));
  }
  if (signedIn.invitation) {
    await services.invitations.accept({ ref: signedIn.invitation, userId: signedIn.userId });
    forgetIn(ctx);
  }
  // What provider.interactionResult does, found by uid instead of the interaction cookie.
  interaction.result = result;
  await interaction.save(interaction.exp - Math.floor(Date.now() / 1000));
  ctx.status = 303;
  ctx.redirect(interaction.returnTo);
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
    if (back) return loggedOut(ctx, services, back[1] as string, logger);
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

async function loggedOut(ctx: Context, services: InteractionServices, connectionId: string, logger: Logger) {
  ctx.set('Cache-Control', 'no-store');
  try {
    if (ctx.method !== 'GET') throw new BadRequest(405, 'method_not_allowed');
    const state = typeof ctx.query.state === 'string' ? ctx.query.state : '';
    const to = await services.federation.afterLogout({ connectionId, state });
    if (to) {
      ctx.status = 303;
      return ctx.redirect(to);
    }
    // Signed out at the provider, with nowhere Sesame's logout was going (or a state that is not Sesame's).
    ctx.type = 'html';
    const locale = localeOf(ctx);
    ctx.body = renderPage('loggedOut', messages(locale).loggedOut.title, basePath(ctx), { locale });
  } catch (err) {
    renderFailure(ctx, err, logger);
  }
}
