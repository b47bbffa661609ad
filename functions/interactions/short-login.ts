import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';
import { basePath } from '../http/base-path.ts';
import { checkCsrf, issueCsrf } from '../http/csrf.ts';
import { BadRequest, readForm } from '../http/forms.ts';
import { chooseLocale } from '../http/locale.ts';
import type { Logger } from '../shared/logger.ts';
import { loginStep, showsPlainForm } from './login.ts';
import { renderFailure } from './routes.ts';
import type { InteractionServices } from './services.ts';
import type { Details, Step } from './step.ts';

/**
 * The short path of a password sign-in (issue #14): three requests, as Keycloak needs, instead of
 * five — the authorization request answers with the sign-in page itself, and the sign-in form's POST
 * answers with the redirect to the app, its code included. oidc-provider still does all OAuth work.
 *
 * 1. `GET /auth?…`: when oidc-provider's answer is its redirect to this interaction's page and that
 *    page is the plain sign-in form (login.ts showsPlainForm: no step-up, upstream hint or invitation),
 *    the form is rendered in place from the interaction oidc-provider has just saved (no read).
 * 2. `POST /auth/<uid>/login`: the form posts under the resume path, where the browser sends the
 *    library's signed resume cookie (set with the interaction cookie, same value and attributes). The
 *    interaction is found through that cookie as oidc-provider finds it through its own, the CSRF token
 *    is checked, the password step runs as at `/interaction/<uid>/login`; when it finishes the
 *    interaction, the result is stored and the same request continues as `GET /auth/<uid>` into
 *    oidc-provider's resume, which checks the cookie again, ends the interaction and issues the code.
 *    A second factor, an upstream or an error page leave as before.
 */
export const SHORT_LOGIN = /^\/auth\/([A-Za-z0-9_-]{1,64})\/login$/;

/** The resume path the form posts under (`<base>/auth/<uid>`), or null for another kind of interaction. */
export function resumePath(step: Pick<Step, 'ctx' | 'details'>): string | null {
  const { uid, returnTo } = step.details;
  const path = `${basePath(step.ctx)}/auth/${uid}`;
  return typeof returnTo === 'string' && new URL(returnTo).pathname === path ? path : null;
}

/** Step 1: the authorization endpoint's redirect to the sign-in page, answered with the page. */
export async function loginPageInPlace(
  ctx: Context,
  next: Next,
  provider: Provider,
  services: InteractionServices,
  logger: Logger,
): Promise<void> {
  await next();
  const interaction = (ctx as { oidc?: { entities?: { Interaction?: Details } } }).oidc?.entities
    ?.Interaction;
  if (ctx.status !== 303 || !interaction) return;
  const path = `${basePath(ctx)}/interaction/${interaction.uid}`;
  if (ctx.response.get('Location') !== path) return;
  const step: Step = {
    ctx,
    provider,
    services,
    details: interaction,
    path,
    locale: await chooseLocale(ctx, interaction.params.ui_locales),
  };
  if (!showsPlainForm(step) || !resumePath(step)) return;
  // The cookies oidc-provider set with its redirect (interaction, resume, session) stay.
  ctx.remove('Location');
  ctx.status = 200;
  try {
    await loginStep.plainForm(step, issueCsrf(ctx, path));
  } catch (err) {
    renderFailure(ctx, err, logger);
  }
}

/** Step 2: the sign-in form's POST, resumed into oidc-provider's authorization in the same request. */
export async function shortLogin(
  ctx: Context,
  next: Next,
  uid: string,
  provider: Provider,
  services: InteractionServices,
  fields: readonly string[],
): Promise<void> {
  if (ctx.method !== 'POST') throw new BadRequest(405, 'method_not_allowed');
  const form = await readForm(ctx, fields);
  services.expectSignIn?.(form.email ?? '');
  const details = await resumableInteraction(ctx, provider, uid);
  const step: Step = {
    ctx,
    provider,
    services,
    details,
    path: `${basePath(ctx)}/interaction/${uid}`,
    locale: await chooseLocale(ctx, details.params.ui_locales),
    resumeHere: async () => {
      // oidc-provider's resume route, `GET /auth/:uid`, in this request: it reads the same signed
      // cookie, and answers with the redirect to the app (or its error, or the logout confirmation).
      ctx.method = 'GET';
      ctx.path = `/auth/${uid}`;
      await next();
    },
  };
  if (!resumePath(step)) throw new BadRequest(400, 'wrong_step');
  if (!checkCsrf(ctx, form.csrf ?? '')) throw new BadRequest(403, 'csrf');
  if (details.prompt.name !== 'login') throw new BadRequest(400, 'wrong_step');
  return loginStep.submit(step, form);
}

/**
 * The interaction this browser's signed resume cookie names, with the checks oidc-provider's
 * interactionDetails makes on its interaction cookie: the cookie names this very interaction, the
 * interaction is live, and the session it started in (if any) still exists for the same account.
 */
async function resumableInteraction(ctx: Context, provider: Provider, uid: string): Promise<Details> {
  const id = ctx.cookies.get(provider.cookieName('resume'), { signed: true });
  if (!id || id !== uid) throw new errors.SessionNotFound('resume cookie missing or for another interaction');
  const interaction = await provider.Interaction.find(id);
  if (!interaction) throw new errors.SessionNotFound('interaction session not found');
  const started = interaction.session;
  if (started?.uid) {
    const session = await provider.Session.findByUid(started.uid);
    if (!session || session.accountId !== started.accountId)
      throw new errors.SessionNotFound('session ended or changed');
  }
  return interaction;
}
