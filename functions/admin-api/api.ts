import type { Context, Next } from 'koa';
import type * as z from 'zod/mini';
import { actorId } from '../domain/admin/actor.ts';
import type { AdminDeps } from '../domain/admin/users.ts';
import { errorFields, type Logger } from '../shared/logger.ts';
import { type BearerDeps, bearerAuthenticator } from './auth.ts';
import { openApiDocument } from './openapi.ts';
import { ApiProblem, problem, problemFor, sendProblem } from './problem.ts';
import { WindowLimiter } from './rate-limit.ts';
import type { Route } from './routes.ts';

const PREFIX = '/admin/api/v1';
const MAX_BODY_BYTES = 64 * 1024;

export interface AdminApiOptions {
  deps: AdminDeps;
  keys: BearerDeps['jwks'];
  logger: Logger;
  /** Requests per minute per caller, and per address before a caller is known (per container). */
  limits?: { perCaller: number; perAddress: number };
}

interface CompiledRoute {
  route: Route;
  names: string[];
  pattern: RegExp;
}

let compiled: Promise<CompiledRoute[]> | undefined;

/**
 * The routes, each path template as a pattern (`{name}` matches one path segment). routes.ts builds
 * its hundred-odd zod schemas when it is evaluated, so it is loaded by the first admin API request
 * rather than by every cold start (esbuild keeps a dynamically imported module unevaluated).
 */
function routeTable(): Promise<CompiledRoute[]> {
  compiled ??= import('./routes.ts').then(({ ROUTES }) =>
    ROUTES.map((route) => ({
      route,
      names: [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string),
      pattern: new RegExp(`^${route.path.replace(/\{\w+\}/g, '([^/]+)')}$`),
    })),
  );
  return compiled;
}

/**
 * The admin API at `<issuer>/admin/api/v1`: JSON in and out, Bearer tokens (auth.ts), one use case
 * per route (routes.ts), RFC 9457 problems for every refusal, and the OpenAPI document at
 * `/openapi.json`. Input is validated whole before anything runs, so a bad request changes nothing.
 */
export function adminApi(options: AdminApiOptions) {
  const { deps, logger } = options;
  const authenticate = bearerAuthenticator({
    issuer: deps.config.issuer,
    jwks: options.keys,
    users: deps.users,
    clients: deps.clients,
    credentials: deps.credentials,
    config: deps.config,
    clock: deps.clock,
  });
  const limits = options.limits ?? { perCaller: 300, perAddress: 60 };
  const callers = new WindowLimiter(limits.perCaller, 60_000);
  const addresses = new WindowLimiter(limits.perAddress, 60_000);
  let document: string | undefined;

  return async function api(ctx: Context, next: Next): Promise<void> {
    if (ctx.path !== PREFIX && !ctx.path.startsWith(`${PREFIX}/`)) return next();
    const path = ctx.path.slice(PREFIX.length) || '/';
    ctx.set('Cache-Control', 'no-store');
    try {
      if (path === '/openapi.json' && ctx.method === 'GET') {
        document ??= JSON.stringify(
          openApiDocument(
            deps.config.issuer,
            (await routeTable()).map((r) => r.route),
          ),
        );
        ctx.type = 'application/json';
        ctx.body = document;
        return;
      }
      const found = match(await routeTable(), ctx.method, path);
      if (!addresses.take(ctx.ip, found === null)) throw tooMany();
      if (!found) throw problem(404, 'not_found', 'No such endpoint.');
      if ('allowed' in found) {
        ctx.set('Allow', found.allowed.join(', '));
        throw problem(405, 'method_not_allowed', 'The endpoint does not take this method.');
      }
      let actor: Awaited<ReturnType<typeof authenticate>>;
      try {
        actor = await authenticate(ctx);
      } catch (err) {
        // Failed authentications count against the address: a token guesser is slowed down.
        addresses.take(ctx.ip, true);
        throw err;
      }
      const callerKey = actor.kind === 'user' ? `u:${actor.userId}` : `c:${actorId(actor)}`;
      if (!callers.take(callerKey, true)) throw tooMany();
      const { route, params } = found;
      const input = {
        params: parse(route.params, params, 'path'),
        query: parse(route.query, queryOf(ctx), 'query'),
        body: route.body ? parse(route.body, await readJson(ctx), 'body') : undefined,
      };
      const result = await route.run(input as never, actor, deps);
      ctx.status = route.created ? 201 : 200;
      ctx.type = 'application/json';
      ctx.body = JSON.stringify(result);
    } catch (err) {
      const p = problemFor(err, deps.config.passwordPolicy);
      if (p) return sendProblem(ctx, p);
      logger.error('admin_api.failed', errorFields(err));
      sendProblem(ctx, { status: 500, code: 'server_error', title: 'Something went wrong.' });
    }
  };
}

const tooMany = () => problem(429, 'too_many_requests', 'Too many requests; wait a minute.');

function match(
  compiled: CompiledRoute[],
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | { allowed: string[] } | null {
  const allowed: string[] = [];
  for (const { route, names, pattern } of compiled) {
    const m = pattern.exec(path);
    if (!m) continue;
    if (route.method !== method) {
      allowed.push(route.method);
      continue;
    }
    const params: Record<string, string> = {};
    try {
      names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] as string);
      });
    } catch {
      throw problem(400, 'invalid_request', 'The path is not valid.');
    }
    return { route, params };
  }
  return allowed.length ? { allowed } : null;
}

/** The query string as an object; a parameter given twice is refused, not silently picked. */
function queryOf(ctx: Context): Record<string, string> {
  const params = new URLSearchParams(ctx.querystring);
  const out: Record<string, string> = {};
  for (const name of new Set(params.keys())) {
    if (params.getAll(name).length > 1)
      throw badInput([{ field: name, message: 'given more than once' }], 'query');
    out[name] = params.get(name) as string;
  }
  return out;
}

function parse(schema: z.ZodMiniType | undefined, value: unknown, where: 'path' | 'query' | 'body'): unknown {
  if (!schema) {
    if (where === 'query' && Object.keys(value as object).length > 0)
      throw badInput(
        Object.keys(value as object).map((field) => ({ field, message: 'not a parameter of this endpoint' })),
        where,
      );
    return {};
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw badInput(
    result.error.issues.map((issue) => ({
      field:
        [...issue.path, ...('keys' in issue && Array.isArray(issue.keys) ? [issue.keys.join(',')] : [])]
          .map(String)
          .join('.') || where,
      message: issue.message,
    })),
    where,
  );
}

const badInput = (errors: Array<{ field: string; message: string }>, where: string) =>
  new ApiProblem({
    status: 400,
    code: 'invalid_request',
    title: `The request ${where} is not valid.`,
    errors: errors.slice(0, 20),
  });

/** A JSON body of at most 64 KiB, as `application/json`. */
async function readJson(ctx: Context): Promise<unknown> {
  if (!ctx.is('application/json'))
    throw problem(415, 'unsupported_media_type', 'Send the body as application/json.');
  if (Number(ctx.get('content-length') || 0) > MAX_BODY_BYTES)
    throw problem(413, 'body_too_large', 'The body is too large.');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw problem(413, 'body_too_large', 'The body is too large.');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw problem(400, 'invalid_request', 'The body is not JSON.');
  }
}
