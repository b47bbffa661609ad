import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * One structured JSON logger. Every line carries the request id of the request it belongs to
 * (AsyncLocalStorage), security events are named events with fixed fields, and known secret-bearing
 * keys are redacted wherever they appear.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface RequestContext {
  requestId: string;
  ip?: string;
  userAgent?: string;
}

const requestContext = new AsyncLocalStorage<RequestContext>();

export function withRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return requestContext.run(ctx, fn);
}

export function currentRequest(): RequestContext | undefined {
  return requestContext.getStore();
}

const REDACTED_KEYS = new Set([
  'password',
  'newpassword',
  'currentpassword',
  'passwordhash',
  'client_secret',
  'clientsecret',
  'secret',
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
  'id_token',
  'token',
  'authorization',
  'cookie',
  'set-cookie',
  'csrf',
  'jwks',
  'keys',
  'd',
  'otp',
]);

function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = REDACTED_KEYS.has(k.toLowerCase()) ? '[redacted]' : redact(v, depth + 1);
  }
  return out;
}

export type Sink = (line: string) => void;

export interface Logger {
  log(level: Level, msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(options: { sink?: Sink; level?: Level } = {}): Logger {
  const sink = options.sink ?? ((line: string) => process.stdout.write(`${line}\n`));
  const min = ORDER[options.level ?? 'info'];
  const log = (level: Level, msg: string, fields: Record<string, unknown> = {}) => {
    // Audit lines are never filtered: the alarms and metric filters on security events read them.
    if (ORDER[level] < min && msg !== 'audit') return;
    const req = currentRequest();
    const line = {
      level,
      time: new Date().toISOString(),
      msg,
      requestId: req?.requestId,
      ...(redact(fields) as object),
    };
    sink(JSON.stringify(line));
  };
  return {
    log,
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
  };
}

/** Errors are logged by name and message only: stacks can carry request data and stay out of responses. */
export function errorFields(err: unknown): Record<string, string> {
  if (err instanceof Error) return { errorName: err.name, errorMessage: err.message.slice(0, 300) };
  return { errorName: typeof err };
}
