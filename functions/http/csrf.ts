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
  ctx.cookies.set(COOKIE, token, {
    signed: true,
    httpOnly: true,
    sameSite: 'strict',
    secure: ctx.secure,
    path,
    overwrite: true,
  });
  return token;
}

export function checkCsrf(ctx: Context, submitted: string): boolean {
  const expected = ctx.cookies.get(COOKIE, { signed: true });
  if (!expected || !submitted) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}
