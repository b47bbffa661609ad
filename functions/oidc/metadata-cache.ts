import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Context, Next } from 'koa';
import { METADATA_MAX_AGE_SECONDS } from '../domain/keys/rotation.ts';
import type { HttpApiHandler } from '../http/lambda.ts';

/**
 * Discovery (OpenID Connect Discovery 1.0 §4) and the JWKS are the same for every request as long as
 * the configuration and the key set stand, and the application is rebuilt when the keys change
 * (key-refresh.ts). So the first answer of each is kept and replayed, without serverless-http, koa
 * or oidc-provider running again; and relying parties and an edge cache may keep them for as long as a
 * container takes to notice new keys (5 minutes) — the rotation procedure publishes new keys a day
 * before they sign (docs/operations.md), and a removed key stays trusted no longer than that.
 */
export const METADATA_PATHS = new Set(['/.well-known/openid-configuration', '/jwks']);
export const METADATA_CACHE_CONTROL = `public, max-age=${METADATA_MAX_AGE_SECONDS}`;

/** Koa middleware (after the mount path is stripped): the caching headers of both answers. */
export async function metadataCacheControl(ctx: Context, next: Next): Promise<void> {
  await next();
  if (ctx.status === 200 && METADATA_PATHS.has(ctx.path)) ctx.set('Cache-Control', METADATA_CACHE_CONTROL);
}

/**
 * Which of the two a request asks for, when its answer can be replayed: a plain GET without a query
 * or an `Origin` (a browser's cross-origin request is answered by the CORS rules on the full path,
 * which echo the origin), under the issuer's path or without it (base-path.ts).
 */
function replayable(event: APIGatewayProxyEvent, base: string): string | null {
  if (event.httpMethod !== 'GET') return null;
  if (event.queryStringParameters && Object.keys(event.queryStringParameters).length > 0) return null;
  for (const name of Object.keys(event.headers ?? {})) if (name.toLowerCase() === 'origin') return null;
  const path = base && event.path.startsWith(`${base}/`) ? event.path.slice(base.length) : event.path;
  return METADATA_PATHS.has(path) ? path : null;
}

/** The handler, with discovery and JWKS answered from the first answer of each (see above). */
export function replayingMetadata(handler: HttpApiHandler, base: string): HttpApiHandler {
  const kept = new Map<string, APIGatewayProxyResult>();
  return async (event, context) => {
    const path = replayable(event, base);
    if (path === null) return handler(event, context);
    const hit = kept.get(path);
    if (hit) {
      // Every answer still names its own request (app.ts, requestContext).
      const requestId = event.requestContext?.requestId ?? 'local';
      return { ...hit, headers: { ...hit.headers, 'x-request-id': requestId } };
    }
    const result = await handler(event, context);
    if (result.statusCode === 200 && !result.multiValueHeaders?.['set-cookie']) {
      const headers = Object.fromEntries(
        Object.entries(result.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'x-request-id'),
      );
      kept.set(path, { ...result, headers });
    }
    return result;
  };
}
