import type { Context } from 'koa';
import type { Config } from '../config/config.ts';
import { DomainError, type ErrorCode } from '../domain/errors.ts';
import { describeError } from '../shared/messages.ts';

/**
 * RFC 9457 problem details, the admin API's only error shape. `type` is a URN naming the problem
 * (`urn:sesame:problem:<code>`); `errors` lists the fields a 400 was about. Nothing from inside
 * Sesame (a stack, a store's message) ever reaches it.
 */
export interface Problem {
  status: number;
  code: string;
  title: string;
  detail?: string;
  errors?: Array<{ field: string; message: string }>;
  /** A 401's or 403's `WWW-Authenticate` (RFC 6750 §3). */
  challenge?: string;
}

export class ApiProblem extends Error {
  override name = 'ApiProblem';
  constructor(readonly problem: Problem) {
    super(problem.code);
  }
}

export const problem = (status: number, code: string, title: string, detail?: string) =>
  new ApiProblem({ status, code, title, ...(detail ? { detail } : {}) });

const STATUS: Record<ErrorCode, number> = {
  not_found: 404,
  email_taken: 409,
  invalid_email: 400,
  weak_password: 400,
  unknown_role: 400,
  invalid_client: 400,
  client_exists: 409,
  already_enrolled: 409,
  forbidden: 403,
  tenant_exists: 409,
  connection_exists: 409,
  domain_taken: 409,
  invalid_setting: 400,
};

/** The problem for what a use case refused; null for anything that is not the caller's doing. */
export function problemFor(err: unknown, policy: Config['passwordPolicy']): Problem | null {
  if (err instanceof ApiProblem) return err.problem;
  if (err instanceof DomainError) {
    // A change that lost a race is a conflict to retry, not bad input.
    const status = err.detail === 'changed_meanwhile' ? 409 : STATUS[err.code];
    return { status, code: err.code, title: describeError(err, policy) };
  }
  // The stores raise RangeError for a cursor that is not one of this query, or a range too long.
  if (err instanceof RangeError)
    return {
      status: 400,
      code: 'invalid_request',
      title: 'The query is not acceptable.',
      errors: [{ field: err.message === 'range' ? 'from' : 'cursor', message: 'not acceptable here' }],
    };
  return null;
}

export function sendProblem(ctx: Context, p: Problem): void {
  ctx.status = p.status;
  if (p.challenge) ctx.set('WWW-Authenticate', p.challenge);
  ctx.type = 'application/problem+json';
  ctx.body = JSON.stringify({
    type: `urn:sesame:problem:${p.code}`,
    title: p.title,
    status: p.status,
    ...(p.detail ? { detail: p.detail } : {}),
    ...(p.errors ? { errors: p.errors } : {}),
  });
}
