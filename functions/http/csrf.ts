import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';

/**
 * Double-submit CSRF token bound to one interaction: a random value in a signed, HttpOnly,
 * SameSite=Strict cookie scoped to the interaction's path, repeated in a hidden form field.
 * A cross-site page can neither read nor set the cookie, so it cannot forge the POST.
 */
const COOKIE = 'sesame.csrf';

export function issueCsrf(ctx: Context, path: string): string {
  const existing = ctx.cookies.get(COOKIE, { signed: true });
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  setCsrf(ctx, token, path);
  return token;
}

/**
 * The same token at one more path, for a form that posts outside the interaction's path (the sign-in
 * form posts under the authorization endpoint's resume path: interactions/short-login.ts).
 */
export function extendCsrf(ctx: Context, token: string, path: string): void {
  // Not `overwrite`: the cookies library drops earlier Set-Cookie headers of the name at any path.
  setCsrf(ctx, token, path, false);
}

function setCsrf(ctx: Context, token: string, path: string, overwrite = true): void {
  ctx.cookies.set(COOKIE, token, {
    signed: true,
    httpOnly: true,
    sameSite: 'strict',
    secure: ctx.secure,
    path,
    overwrite,
  });
}

export function checkCsrf(ctx: Context, submitted: string): boolean {
  const expected = ctx.cookies.get(COOKIE, { signed: true });
  if (!expected || !submitted) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}
