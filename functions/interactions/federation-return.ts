import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { callbackUrl } from '../domain/federation/sign-in.ts';
import { basePath } from '../http/base-path.ts';
import { BadRequest } from '../http/forms.ts';
import { localeOf } from '../http/locale.ts';
import { messages } from '../i18n/index.ts';
import { ACR, amrFor } from '../oidc/acr.ts';
import { renderPage } from '../views/index.ts';
import { BROWSER_COOKIE, refusal } from './federation-pages.ts';
import { forgetIn } from './invitation.ts';
import type { InteractionServices, SignedInUser } from './services.ts';

/**
 * Where an upstream identity provider returns the browser (federation.ts routes it here, and says
 * how): the callback of a federated sign-in, and the return from its logout. Loaded by the first
 * return, not at every cold start.
 */

/** The callback (`CALLBACK` matched, `connectionId` from its path): finishes the sign-in or offers a link. */
export async function signedInUpstream(
  ctx: Context,
  provider: Provider,
  services: InteractionServices,
  issuer: string,
  connectionId: string,
): Promise<void> {
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

/** Back from the upstream's logout (`LOGGED_OUT` matched): on to where Sesame's logout was going. */
export async function loggedOut(ctx: Context, services: InteractionServices, connectionId: string) {
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
}
