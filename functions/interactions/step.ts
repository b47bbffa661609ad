import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { Brand } from '../domain/branding.ts';
import { ACCOUNT_CLIENT_ID, CONSOLE_CLIENT_ID } from '../domain/clients.ts';
import { requestOrigin } from '../http/request-origin.ts';
import { type Locale, type Messages, messages } from '../i18n/index.ts';
import type { InteractionServices, RequestInfo } from './services.ts';

export type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/** Everything one interaction step needs, assembled by the router. */
export interface Step {
  ctx: Context;
  provider: Provider;
  services: InteractionServices;
  details: Details;
  /** `/interaction/<uid>`: form actions are built from it. */
  path: string;
  /** The sign-in's language (http/locale.ts): its `ui_locales`, else the browser's. */
  locale: Locale;
  /**
   * Set on the short sign-in path (short-login.ts): the request carries the resume cookie, so a
   * finished interaction resumes in this request instead of redirecting the browser to do it.
   */
  resumeHere?: () => Promise<void>;
}

/** The words of the step's language. */
export const wordsOf = (step: Step): Messages => messages(step.locale);

export function requestInfo(step: Step): RequestInfo {
  return {
    ...requestOrigin(step.ctx),
    clientId: String(step.details.params.client_id ?? ''),
  };
}

export async function finish(
  step: Step,
  result: Parameters<Provider['interactionResult']>[2],
): Promise<void> {
  if (step.resumeHere) {
    // What interactionResult does (mergeWithLastSubmission: false), on the interaction the resume
    // cookie named; that cookie, not the interaction cookie, is the one this request carries.
    step.details.result = result;
    await step.details.save(step.details.exp - Math.floor(Date.now() / 1000));
    return step.resumeHere();
  }
  const to = await step.provider.interactionResult(step.ctx.req, step.ctx.res, result, {
    mergeWithLastSubmission: false,
  });
  step.ctx.status = 303;
  step.ctx.redirect(to);
}

export async function clientName(step: Step): Promise<string> {
  return (await clientOf(step)).name;
}

/** The app the sign-in is for: its name (Sesame's own pages in the page's language) and its look. */
export async function clientOf(step: Step): Promise<{ name: string; brand: Brand | null }> {
  const clientId = String(step.details.params.client_id ?? '');
  if (clientId === ACCOUNT_CLIENT_ID) return { name: wordsOf(step).common.accountApp, brand: null };
  if (clientId === CONSOLE_CLIENT_ID) return { name: wordsOf(step).common.consoleApp, brand: null };
  return (await step.services.clientInfo(clientId)) ?? { name: clientId, brand: null };
}
