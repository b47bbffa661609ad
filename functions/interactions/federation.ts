import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';
import { callbackUrl } from '../domain/federation/sign-in.ts';
import { type RefusalReason, UpstreamRefused } from '../domain/federation/upstream.ts';
import { basePath } from '../http/base-path.ts';
import { BadRequest } from '../http/forms.ts';
import { ACR, amrFor } from '../oidc/acr.ts';
import type { Logger } from '../shared/logger.ts';
import { renderPage } from '../views/index.ts';
import { renderFailure } from './routes.ts';
import type { InteractionServices } from './services.ts';

const CALLBACK = /^\/federation\/([a-z0-9][a-z0-9-]{1,62})\/callback$/;

/** What a refused federated sign-in tells the user; the audit trail has the reason code. */
const REFUSALS: Record<RefusalReason, { status: 400 | 403; heading: string; message: string }> = {
  state_unknown: {
    status: 400,
    heading: 'This sign-in cannot be completed',
    message:
      'It expired, was already used, or was started elsewhere. Return to the application and sign in again.',
  },
  connection_mismatch: {
    status: 400,
    heading: 'This sign-in cannot be completed',
    message:
      'The answer came from another organisation than the one the sign-in started with. Sign in again.',
  },
  connection_disabled: {
    status: 403,
    heading: 'This organisation sign-in is switched off',
    message: 'Ask your administrator, or return to the application and sign in another way.',
  },
  upstream_error: {
    status: 403,
    heading: 'Your organisation did not sign you in',
    message: 'The sign-in was cancelled or refused there. Return to the application and try again.',
  },
  invalid_response: {
    status: 403,
    heading: 'Your organisation’s answer could not be trusted',
    message:
      'Sesame could not verify the sign-in it received. Try again; if it keeps happening, tell your administrator.',
  },
  wrong_tenant: {
    status: 403,
    heading: 'This account belongs to another organisation',
    message: 'Sign in with an account of the organisation this sign-in is for.',
  },
  missing_claims: {
    status: 403,
    heading: 'Your organisation did not say who you are',
    message:
      'The sign-in lacked an identifier or e-mail address. Ask your administrator to check the connection.',
  },
  groups_overage: {
    status: 403,
    heading: 'Your group list was too long to read',
    message:
      'You are a member of more groups than your organisation puts into a sign-in, so Sesame cannot tell which roles you hold. Ask your administrator to limit the groups sent to Sesame (for example to groups assigned to the application).',
  },
  email_taken: {
    status: 403,
    heading: 'An account with this e-mail address exists already',
    message:
      'Sesame does not join accounts by e-mail address. Ask your administrator to link your organisation account to your existing one.',
  },
  user_disabled: {
    status: 403,
    heading: 'This account is disabled',
    message: 'Ask your administrator.',
  },
  expired: {
    status: 400,
    heading: 'This sign-in has expired',
    message: 'Return to the application you came from and start signing in again.',
  },
};

/**
 * `GET /federation/<connection>/callback`: where an upstream identity provider returns the browser.
 * The browser comes from another site, so only SameSite=Lax cookies arrive and the interaction's own
 * cookie (scoped to /interaction/<uid>) does not: the sign-in is found by the `state` kept server
 * side (domain/federation/sign-in.ts), and finishing it sends the browser to oidc-provider's resume
 * URL, whose cookie binds the result to the browser that started the sign-in.
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
      const signedIn = await services.federation.finish({ connectionId, callbackUrl: url });
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
  signedIn: { uid: string; userId: string; upstreamMfa: boolean },
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
      });
      if (outcome === 'taken') return refusal(ctx, 'state_unknown');
      ctx.status = 303;
      return ctx.redirect(`${basePath(ctx)}/interaction/${signedIn.uid}/mfa`);
    }
    result = login(ACR.federated, amrFor(null, 'federation'));
  }
  // What provider.interactionResult does, found by uid instead of the interaction cookie.
  interaction.result = result;
  await interaction.save(interaction.exp - Math.floor(Date.now() / 1000));
  ctx.status = 303;
  ctx.redirect(interaction.returnTo);
}

function refusal(ctx: Context, reason: RefusalReason): void {
  const page = REFUSALS[reason];
  ctx.status = page.status;
  ctx.type = 'html';
  ctx.body = renderPage('error', page.heading, basePath(ctx), {
    heading: page.heading,
    message: page.message,
    code: reason,
  });
}
