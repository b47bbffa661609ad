import type { Context, Next } from 'koa';

export type Router = (ctx: Context, next: Next) => Promise<void>;

/**
 * A router built by the first request under `prefix` (the path itself or below it), not at every
 * cold start: for pages few requests reach, whose code the Lambda bundle keeps in a chunk of its own
 * (infra/bundling.ts). Every other request passes through without loading it.
 */
export function loadedOnFirstRequest(prefix: string, load: () => Promise<Router>): Router {
  let loading: Promise<Router> | undefined;
  return async (ctx, next) => {
    if (ctx.path !== prefix && !ctx.path.startsWith(`${prefix}/`)) return next();
    loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
    return (await loading)(ctx, next);
  };
}
