import type { Method } from '../config/methods.ts';
import { TotpAlreadyEnrolled } from '../domain/credentials/totp/strategy.ts';
import {
  addPasskey,
  factorOverview,
  finishTotp,
  newRecoveryCodes,
  removePasskey,
  removeTotp,
  startPasskey,
  startTotp,
  switchEmailCodes,
} from '../domain/mfa/settings.ts';
import { basePath } from '../http/base-path.ts';
import { BadRequest } from '../http/forms.ts';
import { localeOf } from '../http/locale.ts';
import { errorTitle, type Messages } from '../i18n/index.ts';
import { qrDataUrl } from '../interactions/mfa.ts';
import { renderPage } from '../views/index.ts';
import {
  afterChange,
  csrfToken,
  overview,
  type Request,
  redirect,
  type SignedIn,
  showRecoveryCodes,
  wordsOf,
} from './page.ts';

/**
 * What the account page can do with each second step: `POST /account/<method>/<action>`, each form
 * rendered by the method's own section in views/account.ts (`account-<method>`). Keyed by every
 * method name, so a new strategy without its account actions does not compile. Every action runs
 * after the CSRF token and the recent-sign-in check (routes.ts).
 */
type Action = (req: Request, who: SignedIn, form: Record<string, string>) => Promise<void>;

export const METHOD_ACTIONS = {
  passkey: {
    options: (req, who) => passkeyOptions(req, who),
    register: (req, who, form) => registerPasskey(req, who, form),
    remove: async (req, who, form) =>
      afterChange(
        req,
        who,
        await removePasskey(req.deps.mfa, {
          userId: who.user.id,
          ref: form.ref ?? '',
          locale: localeOf(req.ctx),
        }),
        'passkey-removed',
      ),
  },
  totp: {
    start: (req, who) => showEnrolment(req, who),
    confirm: (req, who, form) => confirmEnrolment(req, who, form.code ?? ''),
    remove: async (req, who) =>
      afterChange(req, who, await removeTotp(req.deps.mfa, who.user.id, localeOf(req.ctx)), 'totp-removed'),
  },
  email: {
    switch: async (req, who, form) => {
      if (form.enabled !== 'on' && form.enabled !== 'off') throw new BadRequest(400, 'invalid_request');
      const on = form.enabled === 'on';
      const outcome = await switchEmailCodes(req.deps.mfa, who.user.id, on, localeOf(req.ctx));
      return afterChange(req, who, outcome, on ? 'email-on' : 'email-off');
    },
  },
  recovery: {
    new: async (req, who) => {
      const codes = await newRecoveryCodes(req.deps.mfa, who.user.id, localeOf(req.ctx));
      if (!codes) return overview(req, who, { error: wordsOf(req).account.setUpFirst });
      return showRecoveryCodes(req, who, codes);
    },
  },
} satisfies Record<Method, Record<string, Action>>;

/**
 * Fixed notices the overview can show after a change (`?done=<key>`), by the catalogue's key in
 * `account`: nothing from the URL is echoed.
 */
export const ACCOUNT_NOTICES = {
  'passkey-added': 'passkeyAdded',
  'passkey-removed': 'passkeyRemoved',
  'totp-added': 'totpAdded',
  'totp-removed': 'totpRemoved',
  'email-on': 'emailCodesOn',
  'email-off': 'emailCodesOff',
  'session-ended': 'sessionEnded',
  'app-removed': 'appRemoved',
} as const satisfies Record<string, keyof Messages['account']>;

/** The handler of `<method>/<action>`, own keys only (`constructor/x` finds nothing). */
export function methodAction(method: string, action: string): Action | undefined {
  if (!Object.hasOwn(METHOD_ACTIONS, method)) return undefined;
  const actions: Record<string, Action> = METHOD_ACTIONS[method as Method];
  return Object.hasOwn(actions, action) ? actions[action] : undefined;
}

/** Lost races that are not errors: another tab finished the same enrolment. */
export const isLostRace = (err: unknown) => err instanceof TotpAlreadyEnrolled;

async function showEnrolment(req: Request, who: SignedIn, error?: string): Promise<void> {
  const { ctx, deps, path } = req;
  const { methods } = await factorOverview(deps.mfa, who.user.id);
  const authenticator = methods.find((m) => m.method === 'totp');
  if (!authenticator || authenticator.on) return redirect(ctx, path);
  const enrolment = await startTotp(deps.mfa, who.user.id, enrolmentOwner(who));
  ctx.status = error ? 400 : 200;
  ctx.type = 'html';
  const t = wordsOf(req);
  const title = error ? errorTitle(t, t.enrol.accountTitle) : t.enrol.accountTitle;
  ctx.body = renderPage('mfaEnrol', title, basePath(ctx), {
    locale: localeOf(ctx),
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
    locale: localeOf(req.ctx),
  });
  if (codes === null) return showEnrolment(req, who, wordsOf(req).enrol.wrong);
  if (codes.length === 0) return redirect(req.ctx, `${req.path}?done=totp-added`);
  return showRecoveryCodes(req, who, codes);
}

/** An authenticator enrolment started here belongs to this browser session and no other. */
const enrolmentOwner = (who: SignedIn) => `account:${who.sessionUid}`;

/**
 * The options for the browser's `navigator.credentials.create()`, as JSON for the page's script. The
 * challenge is bound to this account-page session; a user at the limit gets 409 and the page says so.
 */
async function passkeyOptions(req: Request, who: SignedIn): Promise<void> {
  const options = await startPasskey(req.deps.mfa, who.user.id, who.sessionUid);
  req.ctx.type = 'application/json';
  if (!options) {
    req.ctx.status = 409;
    req.ctx.body = { error: 'limit' };
    return;
  }
  req.ctx.body = options;
}

const REGISTRATION_ERRORS = {
  invalid: 'passkeyFailed',
  not_allowed: 'passkeyNotAllowed',
  limit: 'passkeyLimit',
} as const satisfies Record<string, keyof Messages['account']>;

async function registerPasskey(req: Request, who: SignedIn, form: Record<string, string>): Promise<void> {
  const outcome = await addPasskey(req.deps.mfa, {
    userId: who.user.id,
    session: who.sessionUid,
    response: form.response ?? '',
    name: form.name ?? '',
    locale: localeOf(req.ctx),
  });
  if (!outcome.ok)
    return overview(req, who, { error: wordsOf(req).account[REGISTRATION_ERRORS[outcome.reason]] });
  if (outcome.codes && outcome.codes.length > 0) return showRecoveryCodes(req, who, outcome.codes);
  return redirect(req.ctx, `${req.path}?done=passkey-added`);
}
