import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';
import { TotpAlreadyEnrolled } from '../domain/credentials/totp/strategy.ts';
import type { DomainDeps } from '../domain/deps.ts';
import {
  changeOwnPassword,
  type FactorChange,
  factorOverview,
  finishTotp,
  newRecoveryCodes,
  removeTotp,
  startTotp,
  switchEmailCodes,
} from '../domain/mfa/settings.ts';
import { NotFound } from '../domain/ports.ts';
import { basePath } from '../http/base-path.ts';
import { BadRequest, readForm } from '../http/forms.ts';
import { qrDataUrl } from '../interactions/mfa.ts';
import { renderFailure } from '../interactions/routes.ts';
import type { Logger } from '../shared/logger.ts';
import { describeViolation } from '../shared/messages.ts';
import { renderPage } from '../views/index.ts';
import { signInUrl } from './client.ts';
import { type AccountSession, accountSession } from './session.ts';

type SignedIn = Extract<AccountSession, { kind: 'signed-in' }>;

export interface AccountDeps {
  mfa: DomainDeps;
  issuer: string;
  logger: Logger;
  /** Server secret the page's CSRF tokens are derived with (a cookie-signing key). */
  csrfKey: string;
}

const ROUTE =
  /^\/account(?:\/(callback|signin|continue|password|totp\/start|totp\/confirm|totp\/remove|email-codes|recovery-codes))?$/;

/** Fixed notices the overview can show after a change (`?done=<key>`): nothing from the URL is echoed. */
const NOTICES: Record<string, string> = {
  'totp-added': 'Your authenticator app is set up.',
  'totp-removed': 'The authenticator app was removed.',
  'email-on': 'Sign-in codes by e-mail are on.',
  'email-off': 'Sign-in codes by e-mail are off.',
};

const REFUSED: Record<Exclude<FactorChange, 'done'>, string> = {
  last_factor_required:
    'Your account must keep a second factor of this strength, so this one cannot be switched off. Set up another one first.',
  busy: 'Another change to your sign-in methods is under way. Please try again in a moment.',
  not_offered: 'This sign-in method is not offered here.',
};

interface Request {
  ctx: Context;
  deps: AccountDeps;
  /** `<base>/account`: links and form actions are built from it. */
  path: string;
}

/**
 * The self-service account page at /account: the signed-in user's factors (add or remove the
 * authenticator, e-mail codes on or off, new recovery codes) and their password. It authenticates
 * with the Sesame browser session (see client.ts for how it signs in). Every form carries a CSRF
 * token; factor changes also need a recent sign-in; the password change needs the current password.
 * Each change is audited and e-mailed to the user by the domain (functions/domain/mfa/settings.ts).
 */
export function accountRoutes(provider: Provider, deps: AccountDeps) {
  return async function account(ctx: Context, next: Next): Promise<void> {
    const match = ROUTE.exec(ctx.path);
    if (!match) return next();
    ctx.set('Cache-Control', 'no-store');
    const req = { ctx, deps, path: `${basePath(ctx)}/account` };
    try {
      await dispatch(req, provider, match[1]);
    } catch (err) {
      // Lost races (the user was disabled meanwhile, another tab finished the same enrolment) are
      // not errors: the overview shows how things stand now, or sends the browser to sign in.
      if (err instanceof NotFound || err instanceof TotpAlreadyEnrolled) return redirect(ctx, req.path);
      renderFailure(ctx, err, deps.logger);
    }
  };
}

async function dispatch(req: Request, provider: Provider, action: string | undefined): Promise<void> {
  const { ctx, deps } = req;
  if (action === 'callback') return callback(req);
  const session = await accountSession(ctx, provider, deps.mfa);
  if (action === 'signin') {
    if (ctx.method !== 'GET') throw new BadRequest(405, 'method_not_allowed');
    // A fresh sign-in, with the second factor the page will want anyway.
    const strength = session.kind === 'signed-in' ? session.strength : null;
    return redirect(ctx, signInUrl(deps.issuer, { fresh: true, ...(strength ? { mfa: strength } : {}) }));
  }
  if (action === undefined) {
    if (ctx.method !== 'GET') throw new BadRequest(405, 'method_not_allowed');
    if (session.kind === 'none') return redirect(ctx, signInUrl(deps.issuer));
    if (session.kind === 'step-up') return redirect(ctx, signInUrl(deps.issuer, { mfa: session.strength }));
    const key = String(ctx.query.done ?? '');
    // Own keys only: `?done=constructor` must not find what every object inherits.
    const notice = Object.hasOwn(NOTICES, key) ? NOTICES[key] : undefined;
    return overview(req, session, notice ? { notice } : {});
  }

  if (ctx.method !== 'POST') throw new BadRequest(405, 'method_not_allowed');
  const form = await readForm(ctx, ['csrf', 'current', 'password', 'confirm', 'code', 'enabled']);
  // The session ended, was invalidated or is too weak now: nothing is changed, start from the overview.
  if (session.kind !== 'signed-in') return redirect(ctx, req.path);
  const who = session;
  if (!sameToken(form.csrf ?? '', csrfToken(req, who))) throw new BadRequest(403, 'csrf');
  if (action === 'continue') return redirect(ctx, req.path);
  if (action === 'password') return changePassword(req, who, form);
  if (!who.recent) return overview(req, who, { error: 'Please sign in again before changing this.' });
  const userId = who.user.id;
  switch (action) {
    case 'totp/start':
      return showEnrolment(req, who);
    case 'totp/confirm':
      return confirmEnrolment(req, who, form.code ?? '');
    case 'totp/remove':
      return afterChange(req, who, await removeTotp(deps.mfa, userId), 'totp-removed');
    case 'email-codes': {
      if (form.enabled !== 'on' && form.enabled !== 'off') throw new BadRequest(400, 'invalid_request');
      const on = form.enabled === 'on';
      return afterChange(
        req,
        who,
        await switchEmailCodes(deps.mfa, userId, on),
        on ? 'email-on' : 'email-off',
      );
    }
    case 'recovery-codes': {
      const codes = await newRecoveryCodes(deps.mfa, userId);
      if (!codes) return overview(req, who, { error: 'Set up a second factor first.' });
      return showRecoveryCodes(req, who, codes);
    }
  }
  throw new BadRequest(404, 'not_found');
}

/**
 * Where sign-in returns. The code is not redeemed (see client.ts); the session is what counts. A
 * cancelled or refused sign-in shows a page instead of looping back to the login.
 */
function callback(req: Request): void {
  const { ctx } = req;
  if (ctx.method !== 'GET') throw new BadRequest(405, 'method_not_allowed');
  if (ctx.query.error !== undefined) {
    ctx.status = 400;
    ctx.type = 'html';
    ctx.body = renderPage('error', 'Not signed in', basePath(ctx), {
      heading: 'You are not signed in',
      message: 'The sign-in did not finish, so your account settings stay closed.',
      code: 'access_denied',
    });
    return;
  }
  redirect(ctx, req.path);
}

function redirect(ctx: Context, to: string): void {
  ctx.status = 303;
  ctx.redirect(to);
}

/**
 * The CSRF token of the account page's forms: derived from this browser session with a server
 * secret, so it needs no cookie of its own and one planted by a sibling subdomain (cookie tossing)
 * or left from another user's session in the same browser is worthless.
 */
function csrfToken(req: Request, who: SignedIn): string {
  return createHmac('sha256', req.deps.csrfKey).update(`account-csrf\0${who.sessionUid}`).digest('base64url');
}

function sameToken(submitted: string, expected: string): boolean {
  const a = Buffer.from(submitted);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function overview(
  req: Request,
  who: SignedIn,
  message: { error?: string; notice?: string; problems?: string[] },
): Promise<void> {
  const { ctx, deps, path } = req;
  const factors = await factorOverview(deps.mfa, who.user.id);
  ctx.status = message.error || message.problems ? 400 : 200;
  ctx.type = 'html';
  ctx.body = renderPage('account', 'Your account', basePath(ctx), {
    path,
    csrf: csrfToken(req, who),
    name: who.user.name,
    email: who.user.email,
    recent: who.recent,
    factors,
    hasFactor: factors.totp || factors.emailCodes,
    logout: `${basePath(ctx)}/session/end`,
    ...message,
  });
}

async function afterChange(req: Request, who: SignedIn, outcome: FactorChange, done: string): Promise<void> {
  if (outcome !== 'done') return overview(req, who, { error: REFUSED[outcome] });
  redirect(req.ctx, `${req.path}?done=${done}`);
}

async function showEnrolment(req: Request, who: SignedIn, error?: string): Promise<void> {
  const { ctx, deps, path } = req;
  const factors = await factorOverview(deps.mfa, who.user.id);
  if (factors.totp || !factors.offered.includes('totp')) return redirect(ctx, path);
  const enrolment = await startTotp(deps.mfa, who.user.id, enrolmentOwner(who));
  ctx.status = error ? 400 : 200;
  ctx.type = 'html';
  ctx.body = renderPage('mfaEnrol', 'Set up an authenticator app', basePath(ctx), {
    action: `${path}/totp/confirm`,
    back: path,
    csrf: csrfToken(req, who),
    qr: await qrDataUrl(enrolment.uri),
    secret: enrolment.secret,
    error,
  });
}

async function confirmEnrolment(req: Request, who: SignedIn, code: string): Promise<void> {
  const codes = await finishTotp(req.deps.mfa, {
    userId: who.user.id,
    code,
    owner: enrolmentOwner(who),
  });
  if (codes === null)
    return showEnrolment(req, who, 'That code did not match. Check the time on your phone and try again.');
  if (codes.length === 0) return redirect(req.ctx, `${req.path}?done=totp-added`);
  return showRecoveryCodes(req, who, codes);
}

/** An authenticator enrolment started here belongs to this browser session and no other. */
const enrolmentOwner = (who: SignedIn) => `account:${who.sessionUid}`;

function showRecoveryCodes(req: Request, who: SignedIn, codes: string[]): void {
  const { ctx, path } = req;
  ctx.type = 'html';
  ctx.body = renderPage('recoveryCodes', 'Your recovery codes', basePath(ctx), {
    action: `${path}/continue`,
    csrf: csrfToken(req, who),
    codes,
  });
}

async function changePassword(req: Request, who: SignedIn, form: Record<string, string>): Promise<void> {
  const { ctx, deps } = req;
  const next = form.password ?? '';
  if (next !== (form.confirm ?? ''))
    return overview(req, who, { problems: ['The new password and its confirmation differ.'] });
  const result = await changeOwnPassword(deps.mfa, {
    userId: who.user.id,
    current: form.current ?? '',
    next,
  });
  if (!result.ok) {
    const problems =
      result.reason === 'weak_password'
        ? result.violations.map((v) => describeViolation(v, deps.mfa.config.passwordPolicy))
        : ['The current password is incorrect, or the account is temporarily locked.'];
    return overview(req, who, { problems });
  }
  // The change ends every session that signed in before it, this one included (session.ts).
  ctx.type = 'html';
  ctx.body = renderPage('accountNotice', 'Password changed', basePath(ctx), {
    heading: 'Your password was changed',
    message: 'For your safety every session was signed out, this one too. Sign in with the new password.',
    link: req.path,
    linkText: 'Sign in again',
  });
}
