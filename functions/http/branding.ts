import type { Context } from 'koa';
import { type Brand, PLAIN_HOST } from '../domain/branding.ts';

/**
 * What a page needs to show a tenant's look: the brand for the layout, and — when it has a logo —
 * this one response's CSP widened to images from the logo's own https origin (and nothing else).
 */
export function branded(ctx: Context, brand: Brand | null): { brand?: Brand } {
  if (!brand) return {};
  const url = brand.logoUrl ? URL.parse(brand.logoUrl) : null;
  // Built from a host that can only be a host name (checked again here: it goes into a header).
  if (url?.protocol === 'https:' && PLAIN_HOST.test(url.host)) {
    const origin = `https://${url.host}`;
    const csp = String(ctx.response.get('Content-Security-Policy'));
    ctx.set('Content-Security-Policy', csp.replace("img-src 'self' data:", `img-src 'self' data: ${origin}`));
  }
  return { brand };
}
