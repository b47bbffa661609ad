import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';
import { brandStylesheet } from '../domain/branding.ts';
import { DomainError, type ErrorCode } from '../domain/errors.ts';
import { UpstreamRefused } from '../domain/federation/upstream.ts';
import { loadOnce } from '../domain/load-once.ts';
import { basePath } from '../http/base-path.ts';
import { checkCsrf, issueCsrf } from '../http/csrf.ts';
import { BadRequest, readForm } from '../http/forms.ts';
import { chooseLocale, localeOf } from '../http/locale.ts';
import { messages } from '../i18n/index.ts';
import type { Logger } from '../shared/logger.ts';
import { errorFields } from '../shared/logger.ts';
import { renderPage, script, stylesheet } from '../views/index.ts';
import { consentStep } from './consent.ts';
import { refusal } from './federation-pages.ts';
import { invitationPages } from './invitation.ts';
import { loginStep, signInWithPasskey, toUpstream } from './login.ts';
import { mfaStep } from './mfa.ts';
import type { InteractionServices } from './services.ts';
import { loginPageInPlace, SHORT_LOGIN, shortLogin } from './short-login.ts';

/**
 * The steps few sign-ins take, loaded by the first request that takes one (domain/load-once.ts): the
 * forgotten password, and linking an upstream identity to an existing account (the invitation's page
 * loads the same way, invitation.ts).
 */
const resetPages = loadOnce(async () => (await import('./password-reset.ts')).resetStep);
const linkPages = loadOnce(async () => (await import('./link.ts')).linkStep);

/** A tenant's accent at brand/<tenant>.css, an app's at brand/app/<client id>.css (domain/branding.ts). */
export const BRAND_CSS =
  /^\/static\/brand\/(?:([a-z0-9][a-z0-9-]{1,62})|app\/([A-Za-z0-9][A-Za-z0-9_.-]{2,63}))\.css$/;

export const ROUTE =
  /^\/interaction\/([A-Za-z0-9_-]{1,64})(?:\/(login|passkey|link|accept|confirm|abort|mfa|mfa\/verify|mfa\/send|mfa\/passkey|mfa\/enrol|mfa\/continue|forgot|reset\/code|reset\/password|federate\/[a-z0-9][a-z0-9-]{1,62}))?$/;

/**
 * Sesame's own interaction pages, mounted in front of oidc-provider's routes. Each step lives in
 * its own file; this module only dispatches and turns every failure into a friendly 4xx page.
 */
export function interactionRoutes(provider: Provider, services: InteractionServices, logger: Logger) {
  return async function interactions(ctx: Context, next: Next): Promise<void> {
    if (ctx.path === '/static/sesame.css' || ctx.path === '/static/sesame.js') {
      const css = ctx.path.endsWith('.css');
      ctx.type = css ? 'text/css' : 'application/javascript';
      ctx.set('Cache-Control', 'public, max-age=3600');
      ctx.body = css ? stylesheet : script;
      return;
    }
    const brand = BRAND_CSS.exec(ctx.path);
    if (brand) {
      // A tenant's or an app's accent (domain/branding.ts); the pages link it with the colour in the query.
      const [, tenantId, clientId] = brand;
      ctx.type = 'text/css';
      ctx.set('Cache-Control', 'public, max-age=300');
      ctx.body = brandStylesheet(
        tenantId
          ? await services.brand.ofTenant(tenantId)
          : ((await services.clientInfo(clientId ?? ''))?.brand ?? null),
      );
      return;
    }
    // The short password sign-in (short-login.ts): the authorization request answered with the
    // sign-in form, and the form's POST under the resume path.
    if (ctx.path === '/auth') return loginPageInPlace(ctx, next, provider, services, logger);
    const short = SHORT_LOGIN.exec(ctx.path);
    if (short) {
      ctx.set('Cache-Control', 'no-store');
      try {
        await shortLogin(ctx, next, short[1] ?? '', provider, services, FIELDS);
      } catch (err) {
        renderFailure(ctx, err, logger);
      }
      return;
    }
    const match = ROUTE.exec(ctx.path);
    if (!match) return next();
    const [, uid = '', action] = match;
    ctx.set('Cache-Control', 'no-store');
    try {
      await dispatch(ctx, uid, action, provider, services);
    } catch (err) {
      renderFailure(ctx, err, logger);
    }
  };
}

async function dispatch(
  ctx: Context,
  uid: string,
  action: string | undefined,
  provider: Provider,
  services: InteractionServices,
): Promise<void> {
  // A form is read before the interaction (its errors still come after the interaction's, below), so
  // that a password sign-in's directory read can ride with the interaction's read.
  const posted = ctx.method === 'POST' ? await settled(readForm(ctx, FIELDS)) : undefined;
  if (action === 'login' && posted?.form) services.expectSignIn?.(posted.form.email ?? '');
  if (action === 'passkey' && posted?.form) services.expectPasskeySignIn?.(uid);
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.uid !== uid) throw new BadRequest(400, 'interaction_mismatch');
  const step = {
    ctx,
    provider,
    services,
    details,
    path: `${basePath(ctx)}/interaction/${uid}`,
    locale: await chooseLocale(ctx, details.params.ui_locales),
  };

  if (action === undefined) {
    if (ctx.method !== 'GET') throw new BadRequest(405, 'method_not_allowed');
    const csrf = issueCsrf(ctx, step.path);
    if (details.prompt.name === 'login') return loginStep.show(step, csrf);
    if (details.prompt.name === 'consent') return consentStep.show(step, csrf);
    throw new BadRequest(400, 'unknown_prompt');
  }
  if (action === 'link' && ctx.method === 'GET') {
    if (details.prompt.name !== 'login') throw new BadRequest(400, 'wrong_step');
    return (await linkPages()).show(step, issueCsrf(ctx, step.path));
  }
  if (action === 'forgot' && ctx.method === 'GET') {
    if (details.prompt.name !== 'login') throw new BadRequest(400, 'wrong_step');
    return (await resetPages()).show(step, issueCsrf(ctx, step.path));
  }
  if (action === 'mfa') {
    if (ctx.method !== 'GET') throw new BadRequest(405, 'method_not_allowed');
    if (details.prompt.name !== 'login') throw new BadRequest(400, 'wrong_step');
    return mfaStep.show(step, issueCsrf(ctx, step.path));
  }
  if (!posted) throw new BadRequest(405, 'method_not_allowed');
  if (!posted.form) throw posted.error;
  const { form } = posted;
  if (!checkCsrf(ctx, form.csrf ?? '')) throw new BadRequest(403, 'csrf');

  if (action === 'login' && details.prompt.name === 'login') return loginStep.submit(step, form);
  if (action === 'passkey' && details.prompt.name === 'login') return signInWithPasskey(step, form);
  if (action === 'link' && details.prompt.name === 'login') return (await linkPages()).submit(step, form);
  if (action === 'forgot' && details.prompt.name === 'login') return (await resetPages()).request(step, form);
  if (action === 'reset/code' && details.prompt.name === 'login')
    return (await resetPages()).code(step, form);
  if (action === 'reset/password' && details.prompt.name === 'login')
    return (await resetPages()).password(step, form);
  if (action === 'accept' && details.prompt.name === 'login')
    return (await invitationPages()).invitationStep.submit(step, form);
  if (action?.startsWith('federate/') && details.prompt.name === 'login')
    return toUpstream(step, action.slice('federate/'.length));
  if (action === 'confirm' && details.prompt.name === 'consent') return consentStep.submit(step);
  if (action?.startsWith('mfa/') && details.prompt.name === 'login') {
    if (action === 'mfa/verify') return mfaStep.verify(step, form);
    if (action === 'mfa/send') return mfaStep.send(step, form);
    if (action === 'mfa/passkey') return mfaStep.passkeyOptions(step);
    if (action === 'mfa/enrol') return mfaStep.enrol(step, form);
    return mfaStep.complete(step, form);
  }
  if (action === 'abort') {
    const to = await provider.interactionResult(ctx.req, ctx.res, {
      error: 'access_denied',
      error_description: 'The user cancelled the sign-in.',
    });
    ctx.status = 303;
    return ctx.redirect(to);
  }
  throw new BadRequest(400, 'wrong_step');
}

const FIELDS = [
  'csrf',
  'email',
  'password',
  'remember',
  'method',
  'code',
  'name',
  'password2',
  'skip',
  'factorCode',
  'response',
];

/** The form, or why it could not be read (thrown where reading it used to throw). */
async function settled(
  reading: Promise<Record<string, string>>,
): Promise<{ form: Record<string, string>; error?: never } | { form?: never; error: unknown }> {
  try {
    return { form: await reading };
  } catch (error) {
    return { error };
  }
}

/** The failures with words of their own (the catalogue's `error` section); others get the generic ones. */
const MESSAGES = {
  csrf: { heading: 'csrfHeading', message: 'csrfMessage' },
  expired: { heading: 'expiredHeading', message: 'expiredMessage' },
  unknown_connection: { heading: 'unknownConnectionHeading', message: 'unknownConnectionMessage' },
} as const;

/**
 * The web layer's one mapping from a domain error code to a status and page. On these pages a
 * missing user or sign-in means it ended meanwhile (disabled, deleted, expired): sign in again.
 */
const PAGES: Record<ErrorCode, { status: 400 | 403 | 404 | 409; code: string }> = {
  not_found: { status: 400, code: 'expired' },
  email_taken: { status: 409, code: 'email_taken' },
  invalid_email: { status: 400, code: 'invalid_request' },
  weak_password: { status: 400, code: 'invalid_request' },
  unknown_role: { status: 400, code: 'invalid_request' },
  invalid_client: { status: 400, code: 'invalid_request' },
  client_exists: { status: 409, code: 'conflict' },
  already_enrolled: { status: 409, code: 'conflict' },
  forbidden: { status: 403, code: 'forbidden' },
  tenant_exists: { status: 409, code: 'conflict' },
  connection_exists: { status: 409, code: 'conflict' },
  domain_taken: { status: 409, code: 'conflict' },
  invalid_setting: { status: 400, code: 'invalid_request' },
};

function pageFor(err: DomainError): { status: number; code: string } {
  return PAGES[err.code];
}

/** The friendly 4xx/5xx page for a failed request; only unexpected errors are logged (by name). */
export function renderFailure(ctx: Context, err: unknown, logger: Logger): void {
  let status = 500;
  let code = 'server_error';
  if (err instanceof BadRequest) {
    status = err.status;
    code = err.code;
  } else if (err instanceof UpstreamRefused) {
    refusal(ctx, err.reason);
    return;
  } else if (err instanceof DomainError) {
    ({ status, code } = pageFor(err));
  } else if (err instanceof errors.SessionNotFound || err instanceof errors.InvalidRequest) {
    status = 400;
    code = 'expired';
  } else {
    logger.error('interaction.error', errorFields(err));
  }
  const locale = localeOf(ctx);
  const t = messages(locale).error;
  const keys = Object.hasOwn(MESSAGES, code) ? MESSAGES[code as keyof typeof MESSAGES] : undefined;
  const text = keys
    ? { heading: t[keys.heading], message: t[keys.message] }
    : {
        heading: status >= 500 ? t.serverHeading : t.requestHeading,
        message: status >= 500 ? t.serverMessage : t.requestMessage,
      };
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = renderPage('error', text.heading, basePath(ctx), { ...text, code, locale });
}
