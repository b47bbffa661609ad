import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { HttpApiHandler } from '../http/lambda.ts';

export type { HttpApiHandler };

const MAX_BODY = 1024 * 1024;

/**
 * Serves a Lambda handler over plain HTTP by turning each request into the API Gateway REST API
 * proxy event (payload v1) that AWS would send, so `npm start` and the tests run exactly the code
 * Lambda runs.
 */
export interface ServerLimits {
  /** Time to receive a request's headers (slowloris). */
  headersTimeoutMs: number;
  /** Time to receive a whole request, body included. */
  requestTimeoutMs: number;
  /** Open connections at once; more are closed as they arrive. */
  maxConnections: number;
}

/**
 * API Gateway bounds slow and half-sent requests and concurrency on AWS; the local server does the
 * same, so one client holding connections or trickling a body can't exhaust `npm start`.
 */
export const DEFAULT_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxConnections: 256,
};

export async function serveLambda(
  handler: HttpApiHandler,
  options: { port: number; host?: string; limits?: Partial<ServerLimits> },
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // How often Node checks those two timeouts (its default, 30 s, would let them overrun).
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    },
    (req, res) => {
      handle(handler, req, res).catch(() => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('Bad gateway');
      });
    },
  );
  server.maxConnections = limits.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  return {
    server,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function handle(handler: HttpApiHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const target = parseTarget(req.url ?? '/');
  if (!target) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request');
    return;
  }
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY) {
    res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end('Payload too large');
    return;
  }
  const body = await readBody(req);
  if (body === null) {
    // API Gateway refuses payloads over its limit before Lambda sees them; so do we.
    res.writeHead(413, { 'content-type': 'text/plain' }).end('Payload too large');
    return;
  }
  const result = await handler(toEvent(req, target, body), lambdaContext());
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) headers[k] = v.map(String);
  res.writeHead(result.statusCode, headers);
  res.end(result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : undefined);
}

/**
 * The request target split as API Gateway splits it: the path as sent (`//` included: it is a path,
 * not a scheme-relative URL) and the decoded query. Null for anything but an origin-form target.
 */
function parseTarget(raw: string): { pathname: string; searchParams: URLSearchParams } | null {
  if (!raw.startsWith('/')) return null;
  const q = raw.indexOf('?');
  return {
    pathname: q < 0 ? raw : raw.slice(0, q),
    searchParams: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)),
  };
}

function toEvent(
  req: IncomingMessage,
  url: { pathname: string; searchParams: URLSearchParams },
  body: Buffer,
): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    const value = req.rawHeaders[i + 1] as string;
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  // API Gateway decodes the query string into single- and multi-value maps; repeats are kept.
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) {
    query[k] = v;
    multiQuery[k] = [...(multiQuery[k] ?? []), v];
  }
  const hasQuery = url.searchParams.size > 0;
  const sourceIp = req.socket.remoteAddress ?? '127.0.0.1';
  const now = Date.now();
  return {
    resource: '/{proxy+}',
    path: url.pathname,
    httpMethod: req.method ?? 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: { proxy: url.pathname.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      authorizer: null,
      protocol: `HTTP/${req.httpVersion}`,
      httpMethod: req.method ?? 'GET',
      identity: {
        sourceIp,
        userAgent: req.headers['user-agent'] ?? null,
      } as APIGatewayProxyEvent['requestContext']['identity'],
      path: url.pathname,
      stage: 'local',
      requestId: randomUUID(),
      requestTimeEpoch: now,
      resourceId: 'local',
      resourcePath: '/{proxy+}',
    },
    body: body.length ? body.toString('base64') : null,
    isBase64Encoded: body.length > 0,
  };
}

function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'sesame-local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:sesame-local',
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
