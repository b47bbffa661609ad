import type { Context, Next } from 'koa';

/**
 * Serves Sesame under the issuer's path (e.g. `https://abc.execute-api…/live` when there is no
 * custom domain). API Gateway strips the stage from the Lambda event while the browser keeps it,
 * so requests may arrive with or without the prefix; both are routed, and oidc-provider is told the
 * mount path (`req.baseUrl`) so discovery, redirects and cookies carry it.
 */
export function issuerBasePath(issuer: string): string {
  return new URL(issuer).pathname.replace(/\/+$/, '');
}

export function mountAt(base: string) {
  return async function mount(ctx: Context, next: Next): Promise<void> {
    ctx.state.basePath = base;
    if (base) {
      if (ctx.path === base || ctx.path.startsWith(`${base}/`)) ctx.path = ctx.path.slice(base.length) || '/';
      (ctx.req as { baseUrl?: string }).baseUrl = base;
    }
    await next();
  };
}

export function basePath(ctx: Context): string {
  return typeof ctx.state.basePath === 'string' ? ctx.state.basePath : '';
}
