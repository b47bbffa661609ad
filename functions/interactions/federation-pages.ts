import type { Context } from 'koa';
import { newBrowserKey } from '../domain/federation/sign-in.ts';
import type { RefusalReason } from '../domain/federation/upstream.ts';
import { basePath } from '../http/base-path.ts';
import { renderPage } from '../views/index.ts';

/**
 * The browser key: a random value in an HttpOnly, SameSite=Lax cookie scoped to /federation/, set
 * when a federated sign-in starts and required at the callback (its digest is kept with the state).
 * Without it, whoever starts a sign-in could send the upstream URL to a victim whose upstream session
 * signs them in silently, and finish the sign-in as the victim in their own browser. One key per
 * browser, reused, so two tabs signing in at once both work.
 */
export const BROWSER_COOKIE = 'sesame_federation';
const KEY = /^[A-Za-z0-9_-]{43}$/;

export function federationBrowserKey(ctx: Context): string {
  const existing = ctx.cookies.get(BROWSER_COOKIE);
  const key = existing && KEY.test(existing) ? existing : newBrowserKey();
  ctx.cookies.set(BROWSER_COOKIE, key, {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.secure,
    path: `${basePath(ctx)}/federation/`,
    maxAge: 60 * 60 * 1000,
    overwrite: true,
  });
  return key;
}

/** What a refused federated sign-in tells the user; the audit trail has the reason code. */
const REFUSALS: Record<RefusalReason, { status: 400 | 403 | 409 | 503; heading: string; message: string }> = {
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
  browser_mismatch: {
    status: 400,
    heading: 'This sign-in was started in another browser',
    message:
      'For your safety it cannot be finished here. Return to the application and sign in again in this browser.',
  },
  upstream_unavailable: {
    status: 503,
    heading: 'Your organisation’s sign-in is not available',
    message:
      'Sesame could not reach it. Try again in a moment; if it keeps happening, tell your administrator.',
  },
  busy: {
    status: 409,
    heading: 'Your account is being set up',
    message: 'Another sign-in with the same account is finishing at this moment. Try again.',
  },
  foreign_domain: {
    status: 403,
    heading: 'This e-mail address belongs to another organisation',
    message:
      'Your organisation’s sign-in gave an address at a domain another organisation has proved. Ask your administrator.',
  },
};

export function refusal(ctx: Context, reason: RefusalReason): void {
  const page = REFUSALS[reason];
  ctx.status = page.status;
  ctx.type = 'html';
  ctx.body = renderPage('error', page.heading, basePath(ctx), {
    heading: page.heading,
    message: page.message,
    code: reason,
  });
}
