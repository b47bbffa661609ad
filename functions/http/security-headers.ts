import type { Context, Next } from 'koa';

/**
 * Headers on every response. The CSP forbids inline script; oidc-provider appends the hashes of
 * its own inline scripts (form_post, logout) to the CSP it finds. `form-action` is deliberately
 * absent: browsers apply it to the redirect chain after a form POST, which would block the
 * redirect back to the relying app.
 */
const CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "script-src 'self'",
  // The passkey ceremonies fetch their options from Sesame itself (views/layout.ts), nowhere else.
  "connect-src 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export async function securityHeaders(ctx: Context, next: Next): Promise<void> {
  ctx.set('Content-Security-Policy', CSP);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
  if (ctx.secure) ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  await next();
}
