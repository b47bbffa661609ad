import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup as systemLookup } from 'node:dns/promises';
import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * The one way Sesame talks to an upstream identity provider (Entra ID, Okta, any OpenID provider).
 * Issuer URLs are typed in by administrators and every later URL (JWKS, token, userinfo) comes from
 * the upstream's own discovery document, so each request is a server-side request to an address
 * someone else chose. This is the SSRF guard, handed to openid-client as its `customFetch`.
 *
 * Why `node:http(s)` and not the global `fetch`: the address must be checked where the socket is
 * connected, not in a separate resolution before it. The global fetch resolves the name again
 * itself (a DNS-rebinding gap) and cannot be given a resolver without the undici package. Here the
 * socket's own `lookup` is ours: the addresses it connects to are exactly the ones checked.
 *
 * What it guarantees, whatever the caller asks for:
 * - `https:` only; `http:` only when `allowLoopbackHttp` is set and the host is loopback (local runs).
 * - no connection to a private, loopback (unless allowed), link-local (cloud metadata), CGNAT,
 *   reserved, multicast or broadcast address, nor to their IPv4-mapped or NAT64 forms; a name with
 *   any such address among its answers is refused as a whole.
 * - redirects are never followed: a 3xx is refused (`redirect`), so openid-client fails with it.
 * - at most `maxBytes` of response body, at most `timeoutMs` from the call to the last byte.
 * - errors name the code and the origin only: never the path, the query, the headers or the body
 *   (token requests carry the client secret in the body).
 * - no proxy and no connection pooling: every request gets its own checked socket.
 */

/** The longest an upstream call may take, connection and whole response included. */
export const MAX_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_BYTES = 512 * 1024;

/** Resolves a host name to all its addresses; the default is the system resolver, as a socket uses. */
export type Resolver = (hostname: string) => Promise<readonly LookupAddress[]>;

export interface UpstreamFetchOptions {
  /**
   * Local development and tests only: allows loopback addresses, and plain `http:` to them. Plain
   * `http:` is never allowed to any other address.
   */
  allowLoopbackHttp: boolean;
  /** Total time for one call, connecting and reading the whole body; default and maximum 5000. */
  timeoutMs?: number;
  /** Largest response body accepted, in bytes; default 512 KiB. */
  maxBytes?: number;
  /** Replaces the system resolver (tests: a name that resolves to an address of their choosing). */
  lookup?: Resolver;
}

/** What a call accepts: the subset of `fetch`'s init that openid-client's `CustomFetchOptions` uses. */
export interface UpstreamRequestInit {
  method?: string | undefined;
  headers?: Record<string, string> | Headers | Array<[string, string]> | undefined;
  body?: string | URLSearchParams | ArrayBuffer | Uint8Array | ReadableStream | null | undefined;
  signal?: AbortSignal | undefined;
  /** Ignored: redirects are never followed (openid-client always asks for `manual`). */
  redirect?: string | undefined;
}

export type UpstreamFetch = (url: string, init?: UpstreamRequestInit) => Promise<Response>;

export type RefusalCode =
  /** Not a URL, or one carrying credentials. */
  | 'url'
  /** Not `https:`, or `http:` to anything but an allowed loopback address. */
  | 'scheme'
  /** The host is, or resolves to, an address that is not public (detail: the address). */
  | 'address'
  /** The upstream answered with a redirect (detail: the status); it is not followed. */
  | 'redirect'
  /** The response body is, or announces to be, larger than `maxBytes`. */
  | 'too_large'
  /** No complete response within `timeoutMs`. */
  | 'timeout'
  /** The caller's AbortSignal fired (its reason is the `cause`). */
  | 'aborted'
  /** The upstream could not be reached (detail: the socket's error code, e.g. ECONNREFUSED). */
  | 'network'
  /** The upstream's answer is not a usable HTTP response (detail: why). */
  | 'protocol';

/**
 * An upstream call that did not produce a response. Also for network failures, so that callers have
 * one type to catch. The message holds the code, the origin (scheme, host, port) and a detail that is
 * never a secret; the request's path, headers and body appear nowhere.
 */
export class UpstreamFetchRefused extends Error {
  override name = 'UpstreamFetchRefused';
  constructor(
    readonly code: RefusalCode,
    /** `https://host:port` of the request, or only the scheme when that was the problem. */
    readonly origin: string,
    readonly detail?: string,
    options?: { cause: unknown },
  ) {
    super(`${code}: ${origin}${detail ? ` (${detail})` : ''}`, options);
  }
}

export type AddressClass = 'public' | 'loopback' | 'forbidden';

/** IPv4 networks that an upstream identity provider never legitimately lives in (loopback aside). */
const FORBIDDEN_V4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT (also Alibaba's metadata service)
  ['169.254.0.0', 16], // link-local, including the cloud metadata service 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, including the broadcast address 255.255.255.255
];

const FORBIDDEN_V6: ReadonlyArray<readonly [string, number]> = [
  ['::', 96], // unspecified and the deprecated IPv4-compatible form
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard-only
  ['2001::', 32], // Teredo (tunnels to an embedded IPv4 address)
  ['2001:2::', 48], // benchmarking
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4 (tunnels to an embedded IPv4 address)
  ['3fff::', 20], // documentation
  ['fc00::', 7], // unique-local, including AWS's metadata service fd00:ec2::254
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
LOOPBACK.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

const FORBIDDEN = new BlockList();
// An IPv4 address can also be written as IPv6: mapped (::ffff:a.b.c.d, which a dual-stack socket
// connects to as IPv4) or behind the well-known NAT64 prefix (64:ff9b::a.b.c.d, which a NAT64 gateway
// forwards to a.b.c.d; a public address there is legitimate on IPv6-only networks with DNS64).
// Node's BlockList matches IPv4 rules against mapped addresses by itself today; the explicit mapped
// rules keep this guard from depending on that.
for (const [network, bits] of FORBIDDEN_V4) {
  FORBIDDEN.addSubnet(network, bits, 'ipv4');
  FORBIDDEN.addSubnet(`::ffff:${network}`, 96 + bits, 'ipv6');
  FORBIDDEN.addSubnet(`64:ff9b::${network}`, 96 + bits, 'ipv6');
}
// Loopback behind a NAT64 gateway is the gateway's own, not this machine's.
FORBIDDEN.addSubnet('64:ff9b::127.0.0.0', 104, 'ipv6');
for (const [network, bits] of FORBIDDEN_V6) FORBIDDEN.addSubnet(network, bits, 'ipv6');

/**
 * Where an address points: the public internet, this machine, or somewhere an upstream may not be.
 * Anything that is not an IP address, or that cannot be checked, counts as forbidden.
 */
export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[|\]$/g, '').split('%')[0] ?? '';
  const family = isIP(bare);
  if (family === 0) return 'forbidden';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  try {
    if (LOOPBACK.check(bare, type)) return 'loopback';
    return FORBIDDEN.check(bare, type) ? 'forbidden' : 'public';
  } catch {
    return 'forbidden';
  }
}

/**
 * Builds the fetch function. Options are the operator's and the code's, never an end user's, so a
 * bad value is a programming error (RangeError), not a refusal.
 */
export function upstreamFetch(options: UpstreamFetchOptions): UpstreamFetch {
  const timeoutMs = options.timeoutMs ?? MAX_TIMEOUT_MS;
  if (!(timeoutMs > 0 && timeoutMs <= MAX_TIMEOUT_MS))
    throw new RangeError(`timeoutMs must be above 0 and at most ${MAX_TIMEOUT_MS}`);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!(Number.isSafeInteger(maxBytes) && maxBytes >= 0))
    throw new RangeError('maxBytes must be a whole number of bytes');
  const settings: Settings = {
    allowLoopback: options.allowLoopbackHttp,
    timeoutMs,
    maxBytes,
    resolve: options.lookup ?? ((hostname) => systemLookup(hostname, { all: true })),
  };
  return async (url, init = {}) => {
    const target = checkedTarget(url, settings.allowLoopback);
    if (init.signal?.aborted) throw aborted(target, init.signal);
    return send(target, init, await requestBody(init.body), settings);
  };
}

interface Settings {
  allowLoopback: boolean;
  timeoutMs: number;
  maxBytes: number;
  resolve: Resolver;
}

interface Target {
  url: URL;
  /** `scheme://host:port`, the only part of the URL that errors show. */
  origin: string;
}

/** Parses the URL and refuses, before any resolution, what can be refused on its face. */
function checkedTarget(raw: string, allowLoopback: boolean): Target {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UpstreamFetchRefused('url', '(unparsable)');
  }
  const scheme = url.protocol;
  if (scheme !== 'https:' && !(scheme === 'http:' && allowLoopback))
    throw new UpstreamFetchRefused('scheme', scheme, allowLoopback ? undefined : 'only https is allowed');
  const target = { url, origin: `${scheme}//${url.host}` };
  if (url.username || url.password)
    throw new UpstreamFetchRefused('url', target.origin, 'credentials in the URL');
  // An IP literal never reaches the socket's lookup, so it is checked here.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) {
    const refusal = refusalFor(host, target, allowLoopback);
    if (refusal) throw refusal;
  }
  return target;
}

/** The rule for one address the socket may connect to; undefined when it may. */
function refusalFor(
  address: string,
  target: Target,
  allowLoopback: boolean,
): UpstreamFetchRefused | undefined {
  const kind = classifyAddress(address);
  if (kind === 'forbidden' || (kind === 'loopback' && !allowLoopback))
    return new UpstreamFetchRefused('address', target.origin, `${address} is not a public address`);
  if (kind === 'public' && target.url.protocol === 'http:')
    return new UpstreamFetchRefused('scheme', target.origin, 'http is allowed to loopback addresses only');
  return undefined;
}

/**
 * The socket's resolver: resolves once, checks every answer and hands exactly those addresses to the
 * socket, so what is connected to is what was checked (no second resolution to rebind). `all` is set
 * by Node when it may try several addresses (happy eyeballs); all of them are checked either way.
 */
function checkingLookup(target: Target, settings: Settings): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    settings.resolve(hostname).then(
      (found) => {
        const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
        const addresses = found.filter((a) => wanted === undefined || a.family === wanted);
        const first = addresses[0];
        if (!first) return callback(new UpstreamFetchRefused('network', target.origin, 'ENOTFOUND'), '', 0);
        for (const { address } of addresses) {
          const refusal = refusalFor(address, target, settings.allowLoopback);
          if (refusal) return callback(refusal, '', 0);
        }
        if (options.all) callback(null, addresses.slice());
        else callback(null, first.address, first.family);
      },
      (err: unknown) => callback(new UpstreamFetchRefused('network', target.origin, errorCode(err)), '', 0),
    );
  };
}

interface Body {
  bytes: Uint8Array;
  /** The type `fetch` would have sent for this kind of body, when the caller gave none. */
  type: string | null;
}

/** Turns any body `fetch` accepts into bytes, with the content type `fetch` would give it. */
async function requestBody(body: UpstreamRequestInit['body']): Promise<Body | undefined> {
  if (body === undefined || body === null) return undefined;
  const normalised = new Response(body);
  return {
    bytes: new Uint8Array(await normalised.arrayBuffer()),
    type: normalised.headers.get('content-type'),
  };
}

/** Framing and connection headers are this module's to set, not the caller's. */
const CALLER_MAY_NOT_SET = [
  'connection',
  'content-length',
  'expect',
  'host',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

function requestHeaders(init: UpstreamRequestInit, body: Body | undefined): Record<string, string> {
  const headers = new Headers(init.headers);
  for (const name of CALLER_MAY_NOT_SET) headers.delete(name);
  // The bytes are handed back as they came, and `Response` does not decompress: ask for none.
  headers.set('accept-encoding', 'identity');
  if (body) {
    if (body.type && !headers.has('content-type')) headers.set('content-type', body.type);
    headers.set('content-length', String(body.bytes.byteLength));
  }
  return Object.fromEntries(headers);
}

/** Statuses whose response has no body by definition (`Response` refuses one). */
const NULL_BODY = new Set([204, 205, 304]);

function send(
  target: Target,
  init: UpstreamRequestInit,
  body: Body | undefined,
  settings: Settings,
): Promise<Response> {
  const { origin } = target;
  return new Promise<Response>((resolve, reject) => {
    let request: ClientRequest | undefined;
    let settled = false;
    const finish = (outcome: Response | UpstreamFetchRefused) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      init.signal?.removeEventListener('abort', onAbort);
      if (outcome instanceof Response) return resolve(outcome);
      request?.destroy();
      reject(outcome);
    };
    const onAbort = () => finish(aborted(target, init.signal));
    const timer = setTimeout(
      () =>
        finish(
          new UpstreamFetchRefused('timeout', origin, `no complete response within ${settings.timeoutMs} ms`),
        ),
      settings.timeoutMs,
    );
    init.signal?.addEventListener('abort', onAbort, { once: true });

    const requestFn = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
    request = requestFn(target.url, {
      method: (init.method ?? 'GET').toUpperCase(),
      headers: requestHeaders(init, body),
      lookup: checkingLookup(target, settings),
      // Its own socket, never a pooled one that was connected under other rules, and no proxy.
      agent: false,
    });
    request.on('error', (err) =>
      finish(
        err instanceof UpstreamFetchRefused
          ? err
          : new UpstreamFetchRefused('network', origin, errorCode(err)),
      ),
    );
    request.on('response', (response) => receive(response, target, settings.maxBytes, finish));
    request.end(body?.bytes);
  });
}

/** Reads the whole response within the byte cap and builds the WHATWG `Response` from it. */
function receive(
  response: IncomingMessage,
  { origin }: Target,
  maxBytes: number,
  finish: (outcome: Response | UpstreamFetchRefused) => void,
): void {
  const status = response.statusCode ?? 0;
  const tooLarge = () => new UpstreamFetchRefused('too_large', origin, `more than ${maxBytes} bytes`);
  response.on('error', (err) => finish(new UpstreamFetchRefused('network', origin, errorCode(err))));
  const announced = Number(response.headers['content-length'] ?? 0);
  const refusal =
    status >= 300 && status <= 399
      ? new UpstreamFetchRefused('redirect', origin, `HTTP ${status}`)
      : status < 200 || status > 599
        ? new UpstreamFetchRefused('protocol', origin, `HTTP ${status}`)
        : announced > maxBytes
          ? tooLarge()
          : undefined;
  if (refusal) {
    finish(refusal);
    return;
  }

  const chunks: Buffer[] = [];
  let size = 0;
  response.on('data', (chunk: Buffer) => {
    size += chunk.byteLength;
    if (size > maxBytes) return finish(tooLarge());
    chunks.push(chunk);
  });
  response.on('end', () => {
    if (!response.complete) return finish(new UpstreamFetchRefused('network', origin, 'response cut short'));
    const headers = new Headers();
    try {
      for (const [name, values] of Object.entries(response.headersDistinct))
        for (const value of values ?? []) headers.append(name, value);
      const bytes = Buffer.concat(chunks);
      finish(
        new Response(NULL_BODY.has(status) ? null : bytes, {
          status,
          statusText: response.statusMessage ?? '',
          headers,
        }),
      );
    } catch {
      finish(new UpstreamFetchRefused('protocol', origin, 'headers a Response cannot carry'));
    }
  });
}

function aborted(target: Target, signal: AbortSignal | undefined): UpstreamFetchRefused {
  return new UpstreamFetchRefused('aborted', target.origin, 'by the caller', { cause: signal?.reason });
}

/** A socket or resolver error's code (ECONNREFUSED, ENOTFOUND, …): its message may say more than needed. */
function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown';
}
