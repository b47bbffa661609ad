import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';
import { changeOwnPassword, endAllSessions } from '../domain/mfa/settings.ts';
import { NotFound } from '../domain/ports.ts';
import { basePath } from '../http/base-path.ts';
import { BadRequest, readForm } from '../http/forms.ts';
import { localeOf } from '../http/locale.ts';
import { requestOrigin } from '../http/request-origin.ts';
import { renderFailure } from '../interactions/routes.ts';
import { describeViolation } from '../shared/messages.ts';
import { renderPage } from '../views/index.ts';
import { endSession, handleOf, revokeApp, tellApps } from './activity.ts';
import { signInUrl } from './client.ts';
import { ACCOUNT_NOTICES, isLostRace, methodAction } from './methods.ts';
import {
  type AccountDeps,
  csrfToken,
  overview,
  type Request,
  redirect,
  type SignedIn,
  sameToken,
  wordsOf,
} from './page.ts';
import { accountSession } from './session.ts';

export type { AccountDeps } from './page.ts';

/** `/account`, its fixed actions, or `/account/<method>/<action>` (methods.ts). */
export const ROUTE = /^\/account(?:\/(callback|signin|continue|password|everywhere)|\/([a-z]+)\/([a-z]+))?$/;

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
      await dispatch(req, provider, match[1] ?? (match[2] ? `${match[2]}/${match[3]}` : undefined));
    } catch (err) {
      // Lost races (the user was disabled meanwhile, another tab finished the same enrolment) are
      // not errors: the overview shows how things stand now, or sends the browser to sign in.
      if (err instanceof NotFound || isLostRace(err)) return redirect(ctx, req.path);
      renderFailure(ctx, err, deps.logger);
    }
  };
}

async function dispatch(req: Request, provider: Provider, action: string | undefined): Promise<void> {
  const { ctx, deps } = req;
  if (action === 'callback') return callback(req);
  const session = await accountSession(ctx, provider, deps.mfa, deps.federatedSessionSeconds);
  if (action === 'signin') {
    if (ctx.method !== 'GET') throw new BadRequest(405, 'method_not_allowed');
    // A fresh sign-in, with the second factor the page will want anyway, the address filled in.
    const strength = session.kind === 'signed-in' ? session.strength : null;
    const hint = session.kind === 'signed-in' ? { loginHint: session.user.email } : {};
    return redirect(
      ctx,
      signInUrl(deps.issuer, { fresh: true, ...(strength ? { mfa: strength } : {}), ...hint }),
    );
  }
  if (action === undefined) {
    if (ctx.method !== 'GET') throw new BadRequest(405, 'method_not_allowed');
    if (session.kind === 'none') return redirect(ctx, signInUrl(deps.issuer));
    if (session.kind === 'step-up') return redirect(ctx, signInUrl(deps.issuer, { mfa: session.strength }));
    const key = String(ctx.query.done ?? '');
    // Own keys only: `?done=constructor` must not find what every object inherits.
    const notice = Object.hasOwn(ACCOUNT_NOTICES, key)
      ? wordsOf(req).account[ACCOUNT_NOTICES[key as keyof typeof ACCOUNT_NOTICES]]
      : undefined;
    return overview(req, session, notice ? { notice } : {});
  }

  if (ctx.method !== 'POST') throw new BadRequest(405, 'method_not_allowed');
  const form = await readForm(ctx, [
    'csrf',
    'current',
    'password',
    'confirm',
    'code',
    'enabled',
    'session',
    'client',
    'response',
    'name',
    'ref',
  ]);
  // The session ended, was invalidated or is too weak now: nothing is changed, start from the overview.
  if (session.kind !== 'signed-in') return redirect(ctx, req.path);
  const who = session;
  if (!sameToken(form.csrf ?? '', csrfToken(req, who))) throw new BadRequest(403, 'csrf');
  if (action === 'continue') return redirect(ctx, req.path);
  if (action === 'password') return changePassword(req, who, form);
  if (action === 'everywhere') return signOutEverywhere(req, provider, who);
  if (action === 'sessions/end') return signOutSession(req, provider, who, form.session ?? '');
  if (action === 'apps/revoke') return removeAppAccess(req, provider, who, form.client ?? '');
  const [method = '', name = ''] = action?.split('/') ?? [];
  const handler = methodAction(method, name);
  if (!handler) throw new BadRequest(404, 'not_found');
  if (!who.recent) return overview(req, who, { error: wordsOf(req).account.signInFirst });
  return handler(req, who, form);
}

/**
 * Where sign-in returns. The code is not redeemed (see client.ts); the session is what counts. A
 * cancelled or refused sign-in shows a page instead of looping back to the login.
 */
function callback(req: Request): void {
  const { ctx } = req;
  if (ctx.method !== 'GET') throw new BadRequest(405, 'method_not_allowed');
  if (ctx.query.error !== undefined) {
    const t = wordsOf(req).account;
    ctx.status = 400;
    ctx.type = 'html';
    ctx.body = renderPage('error', t.notSignedInTitle, basePath(ctx), {
      heading: t.notSignedInHeading,
      message: t.notSignedInMessage,
      code: 'access_denied',
      locale: localeOf(ctx),
    });
    return;
  }
  redirect(ctx, req.path);
}

/**
 * Every session ends by the mark endAllSessions sets (race-proof: it also covers a sign-in that
 * happens meanwhile); the apps of the sessions listed now are told by back-channel logout.
 */
async function signOutEverywhere(req: Request, provider: Provider, who: SignedIn): Promise<void> {
  const { ctx, deps } = req;
  const sessions = await deps.activity.sessionsOf(who.user.id);
  await endAllSessions(deps.mfa, { userId: who.user.id, context: requestOrigin(ctx), locale: localeOf(ctx) });
  await tellApps(provider, deps.logger, who.user.id, sessions);
  signedOutNotice(req, 'everywhere');
}

async function signOutSession(
  req: Request,
  provider: Provider,
  who: SignedIn,
  handle: string,
): Promise<void> {
  const { ctx, deps } = req;
  const ended = await endSession(deps, provider, { user: who.user, handle, context: requestOrigin(ctx) });
  // Already gone (another tab ended it, it expired): the list shows how things stand now.
  if (!ended || handle !== handleOf(who.sessionUid)) return redirect(ctx, `${req.path}?done=session-ended`);
  signedOutNotice(req, 'signedOutHere');
}

async function removeAppAccess(
  req: Request,
  provider: Provider,
  who: SignedIn,
  clientId: string,
): Promise<void> {
  const { ctx, deps } = req;
  await revokeApp(deps, provider, { user: who.user, clientId, context: requestOrigin(ctx) });
  redirect(ctx, `${req.path}?done=app-removed`);
}

async function changePassword(req: Request, who: SignedIn, form: Record<string, string>): Promise<void> {
  const { ctx, deps } = req;
  const next = form.password ?? '';
  const t = wordsOf(req).account;
  if (next !== (form.confirm ?? ''))
    return overview(req, who, { problems: [t.confirmationDiffers], problemField: 'new' });
  const result = await changeOwnPassword(deps.mfa, {
    userId: who.user.id,
    current: form.current ?? '',
    next,
    locale: localeOf(ctx),
  });
  if (!result.ok) {
    // The focus (and so the scroll) goes to the field to fix, which the problems are tied to.
    if (result.reason !== 'weak_password')
      return overview(req, who, { problems: [t.wrongCurrent], problemField: 'current' });
    const problems = result.violations.map((v) =>
      describeViolation(v, deps.mfa.config.passwordPolicy, localeOf(ctx)),
    );
    return overview(req, who, { problems, problemField: 'new' });
  }
  // The change ends every session that signed in before it, this one included (session.ts).
  signedOutNotice(req, 'changed');
}

/** The page after an action that signed this browser out: what happened, and the way back in. */
function signedOutNotice(req: Request, what: 'everywhere' | 'signedOutHere' | 'changed'): void {
  const { ctx } = req;
  const t = wordsOf(req).account;
  ctx.type = 'html';
  ctx.body = renderPage('accountNotice', t[`${what}Title`], basePath(ctx), {
    heading: t[`${what}Heading`],
    message: t[`${what}Message`],
    link: req.path,
    linkText: t.signInAgain,
    locale: localeOf(ctx),
  });
}
