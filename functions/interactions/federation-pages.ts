import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import type { RefusalReason } from '../domain/federation/upstream.ts';
import { basePath } from '../http/base-path.ts';
import { localeOf } from '../http/locale.ts';
import { messages } from '../i18n/index.ts';
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
  const key = existing && KEY.test(existing) ? existing : randomBytes(32).toString('base64url');
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

/**
 * What a refused federated sign-in tells the user (the catalogue's `refusal` section, `<reason>Heading`
 * and `<reason>`), in the browser's language; the audit trail has the reason code.
 */
const STATUS: Record<RefusalReason, 400 | 403 | 409 | 503> = {
  state_unknown: 400,
  connection_mismatch: 400,
  connection_disabled: 403,
  upstream_error: 403,
  invalid_response: 403,
  wrong_tenant: 403,
  missing_claims: 403,
  groups_overage: 403,
  email_taken: 403,
  user_disabled: 403,
  expired: 400,
  browser_mismatch: 400,
  upstream_unavailable: 503,
  busy: 409,
  foreign_domain: 403,
};

export function refusal(ctx: Context, reason: RefusalReason): void {
  const locale = localeOf(ctx);
  const t = messages(locale).refusal;
  const heading = t[`${reason}Heading`];
  ctx.status = STATUS[reason];
  ctx.type = 'html';
  ctx.body = renderPage('error', heading, basePath(ctx), {
    heading,
    message: t[reason],
    code: reason,
    locale,
  });
}
