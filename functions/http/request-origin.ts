import type { Context } from 'koa';

/**
 * Where a request comes from, as audit events, logs and the session list record it: its address
 * (ctx.ip: the last X-Forwarded-For hop behind API Gateway) and its User-Agent, cut to 256 characters.
 */
export function requestOrigin(ctx: Context): { ip: string; userAgent: string } {
  return { ip: ctx.ip, userAgent: ctx.get('user-agent').slice(0, 256) };
}
