import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { Brand } from '../domain/branding.ts';
import type { InteractionServices, RequestInfo } from './services.ts';

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/** Everything one interaction step needs, assembled by the router. */
export interface Step {
  ctx: Context;
  provider: Provider;
  services: InteractionServices;
  details: Details;
  /** `/interaction/<uid>`: form actions are built from it. */
  path: string;
}

export function requestInfo(step: Step): RequestInfo {
  return {
    ip: step.ctx.ip,
    userAgent: step.ctx.get('user-agent').slice(0, 256),
    clientId: String(step.details.params.client_id ?? ''),
  };
}

export async function finish(
  step: Step,
  result: Parameters<Provider['interactionResult']>[2],
): Promise<void> {
  const to = await step.provider.interactionResult(step.ctx.req, step.ctx.res, result, {
    mergeWithLastSubmission: false,
  });
  step.ctx.status = 303;
  step.ctx.redirect(to);
}

export async function clientName(step: Step): Promise<string> {
  return (await clientOf(step)).name;
}

/** The app the sign-in is for: its name and its look (null: Sesame's own). */
export async function clientOf(step: Step): Promise<{ name: string; brand: Brand | null }> {
  const clientId = String(step.details.params.client_id ?? '');
  return (await step.services.clientInfo(clientId)) ?? { name: clientId, brand: null };
}
