import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import * as oidc from 'openid-client';
import {
  classifyAddress,
  type RefusalCode,
  UpstreamFetchRefused,
  upstreamFetch,
} from '../../functions/federation/upstream-fetch.ts';

/**
 * The SSRF guard for calls to upstream identity providers. Servers listen on 127.0.0.1 only and are
 * closed by every test; hosts that must never be reached are refused before a socket is opened, which
 * the tests see as a refusal with the right code long before the short timeout they set.
 */

interface TestServer {
  origin: string;
  port: number;
  /** Requests that reached the server. */
  hits: IncomingMessage[];
}

async function withServer(
  handler: (req: IncomingMessage, res: ServerResponse, server: TestServer) => void,
  run: (server: TestServer) => Promise<void>,
): Promise<void> {
  const state: TestServer = { origin: '', port: 0, hits: [] };
  const server = createServer((req, res) => {
    state.hits.push(req);
    handler(req, res, state);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.origin = `http://127.0.0.1:${state.port}`;
  try {
    await run(state);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const json = (body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** Asserts a refusal with this code; a test set up to be refused gets a short timeout, so a refusal
 * that did not happen shows up as `timeout` or `network`, or as a response. */
async function refused(call: Promise<unknown>, code: RefusalCode): Promise<UpstreamFetchRefused> {
  let caught: unknown;
  try {
    await call;
  } catch (err) {
    caught = err;
  }
  assert.ok(
    caught instanceof UpstreamFetchRefused,
    `expected an UpstreamFetchRefused, got ${String(caught)}`,
  );
  assert.equal(caught.code, code, caught.message);
  return caught;
}

const resolvingTo =
  (...addresses: string[]) =>
  async (): Promise<LookupAddress[]> =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('upstream fetch: where it may connect', () => {
  it('fetches JSON from a loopback http server when loopback is allowed', async () => {
    await withServer(json({ ok: true }), async ({ origin, hits }) => {
      const response = await upstreamFetch({ allowLoopbackHttp: true })(`${origin}/thing`, {});
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'application/json');
      assert.deepEqual(await response.json(), { ok: true });
      assert.equal(hits.length, 1);
    });
  });

  it('refuses the same loopback server, by IP and by localhost, when loopback is not allowed', async () => {
    await withServer(json({ ok: true }), async ({ port, hits }) => {
      const fetch = upstreamFetch({ allowLoopbackHttp: false, timeoutMs: 300 });
      await refused(fetch(`http://127.0.0.1:${port}/`), 'scheme');
      await refused(fetch(`http://localhost:${port}/`), 'scheme');
      // https to a loopback name is refused on its address (nothing listens for TLS here: a refusal
      // that did not happen would be a network error instead).
      await refused(fetch(`https://127.0.0.1:${port}/`), 'address');
      const viaName = upstreamFetch({
        allowLoopbackHttp: false,
        timeoutMs: 300,
        lookup: resolvingTo('127.0.0.1'),
      });
      await refused(viaName(`https://upstream.example:${port}/`), 'address');
      assert.equal(hits.length, 0);
    });
  });

  it('refuses private, link-local and loopback literals before connecting', async () => {
    for (const allowLoopbackHttp of [false, true]) {
      const fetch = upstreamFetch({ allowLoopbackHttp, timeoutMs: 300 });
      await refused(fetch('https://10.0.0.1/'), 'address');
      await refused(fetch('https://169.254.169.254/latest/meta-data/'), 'address');
      await refused(fetch('https://[fe80::1]/'), 'address');
      await refused(fetch('https://[fd00:ec2::254]/'), 'address');
      await refused(fetch('https://100.64.0.1/'), 'address');
      await refused(fetch('https://0.0.0.0/'), 'address');
      await refused(fetch('https://255.255.255.255/'), 'address');
      await refused(fetch('https://[::ffff:10.0.0.1]/'), 'address');
      await refused(fetch('https://[::ffff:169.254.169.254]/'), 'address');
      // Decimal and hexadecimal spellings are normalised by the URL parser before the check.
      await refused(fetch('https://2852039166/'), 'address');
      await refused(fetch('https://0xa9.0xfe.0xa9.0xfe/'), 'address');
    }
    const strict = upstreamFetch({ allowLoopbackHttp: false, timeoutMs: 300 });
    await refused(strict('http://10.0.0.1/'), 'scheme');
    await refused(strict('https://[::1]/'), 'address');
    await refused(strict('https://[::ffff:127.0.0.1]/'), 'address');
    await refused(upstreamFetch({ allowLoopbackHttp: true, timeoutMs: 300 })('http://10.0.0.1/'), 'address');
  });

  it('refuses other schemes and URLs carrying credentials', async () => {
    const fetch = upstreamFetch({ allowLoopbackHttp: true, timeoutMs: 300 });
    await refused(fetch('ftp://upstream.example/'), 'scheme');
    await refused(fetch('file:///etc/passwd'), 'scheme');
    await refused(fetch('not a url'), 'url');
    await refused(fetch('https://user:pass@upstream.example/'), 'url');
  });

  it('refuses a host name that resolves to a private address, or has one among its answers', async () => {
    const lookups: string[] = [];
    const fetch = upstreamFetch({
      allowLoopbackHttp: false,
      timeoutMs: 300,
      lookup: async (hostname) => {
        lookups.push(hostname);
        return resolvingTo('10.1.2.3')();
      },
    });
    await refused(fetch('https://idp.example/.well-known/openid-configuration'), 'address');
    assert.deepEqual(lookups, ['idp.example'], 'the name went through the injected resolver');

    const mixed = upstreamFetch({
      allowLoopbackHttp: false,
      timeoutMs: 300,
      lookup: resolvingTo('93.184.215.14', '10.1.2.3'),
    });
    await refused(mixed('https://idp.example/'), 'address');
    const mapped = upstreamFetch({
      allowLoopbackHttp: false,
      timeoutMs: 300,
      lookup: resolvingTo('::ffff:a9fe:a9fe'),
    });
    await refused(mapped('https://idp.example/'), 'address');
    const plainHttpToPublic = upstreamFetch({
      allowLoopbackHttp: true,
      timeoutMs: 300,
      lookup: resolvingTo('93.184.215.14'),
    });
    await refused(plainHttpToPublic('http://idp.example/'), 'scheme');
  });

  it('connects to the address it checked, not to a second resolution of the name', async () => {
    // `.invalid` never resolves in DNS: reaching the server proves the socket used the checked answer.
    await withServer(json({ pinned: true }), async ({ port, hits }) => {
      let lookups = 0;
      const fetch = upstreamFetch({
        allowLoopbackHttp: true,
        lookup: async () => {
          lookups += 1;
          return resolvingTo('127.0.0.1')();
        },
      });
      const response = await fetch(`http://sesame-upstream.invalid:${port}/`);
      assert.deepEqual(await response.json(), { pinned: true });
      assert.equal(lookups, 1);
      assert.equal(hits[0]?.headers.host, `sesame-upstream.invalid:${port}`);
    });
  });

  it('classifies addresses: public, loopback, and everything an upstream may not be', () => {
    const expected: Record<string, ReturnType<typeof classifyAddress>> = {
      '8.8.8.8': 'public',
      '172.32.0.1': 'public',
      '100.63.255.255': 'public',
      '100.128.0.0': 'public',
      '2606:4700::1111': 'public',
      '64:ff9b::8.8.8.8': 'public',
      '::ffff:8.8.8.8': 'public',
      '127.0.0.1': 'loopback',
      '127.255.255.254': 'loopback',
      '::1': 'loopback',
      '::ffff:127.0.0.1': 'loopback',
      '::ffff:7f00:1': 'loopback',
      '0.0.0.0': 'forbidden',
      '0.1.2.3': 'forbidden',
      '10.255.0.1': 'forbidden',
      '100.64.0.0': 'forbidden',
      '100.127.255.255': 'forbidden',
      '169.254.169.254': 'forbidden',
      '172.16.0.1': 'forbidden',
      '172.31.255.255': 'forbidden',
      '192.168.1.1': 'forbidden',
      '224.0.0.1': 'forbidden',
      '239.255.255.250': 'forbidden',
      '255.255.255.255': 'forbidden',
      '::': 'forbidden',
      'fe80::1': 'forbidden',
      'fe80::1%eth0': 'forbidden',
      'febf::1': 'forbidden',
      'fc00::1': 'forbidden',
      'fd12:3456::1': 'forbidden',
      'ff02::1': 'forbidden',
      '::ffff:10.0.0.1': 'forbidden',
      '::ffff:a9fe:a9fe': 'forbidden',
      '::ffff:192.168.0.1': 'forbidden',
      '::ffff:100.64.0.1': 'forbidden',
      '64:ff9b::10.0.0.1': 'forbidden',
      '64:ff9b::127.0.0.1': 'forbidden',
      '64:ff9b::169.254.169.254': 'forbidden',
      '2002:a00:1::1': 'forbidden',
      localhost: 'forbidden',
      '': 'forbidden',
    };
    const actual = Object.fromEntries(Object.keys(expected).map((a) => [a, classifyAddress(a)]));
    assert.deepEqual(actual, expected);
  });
});

describe('upstream fetch: what it accepts back', () => {
  it('does not follow a redirect: it refuses it, and the target is never asked', async () => {
    await withServer(json({ secret: 'internal' }), async (target) => {
      await withServer(
        (_req, res) => {
          res.writeHead(302, { location: `${target.origin}/internal` });
          res.end();
        },
        async (redirecting) => {
          const fetch = upstreamFetch({ allowLoopbackHttp: true, timeoutMs: 1000 });
          const err = await refused(fetch(`${redirecting.origin}/start`, { redirect: 'follow' }), 'redirect');
          assert.match(err.message, /HTTP 302/);
          assert.equal(redirecting.hits.length, 1);
          assert.equal(target.hits.length, 0);
        },
      );
    });
  });

  it('refuses a body that Content-Length announces as too large, without reading it', async () => {
    await withServer(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(600 * 1024) });
        res.write('{"a":"');
      },
      async ({ origin }) => {
        await refused(upstreamFetch({ allowLoopbackHttp: true, timeoutMs: 1000 })(origin), 'too_large');
      },
    );
  });

  it('refuses a streamed body as soon as it passes maxBytes, and accepts one exactly at it', async () => {
    await withServer(
      (req, res) => {
        const size = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('size'));
        res.writeHead(200, { 'content-type': 'text/plain' }); // chunked: no length announced
        for (let sent = 0; sent < size; sent += 256) res.write('x'.repeat(Math.min(256, size - sent)));
        res.end();
      },
      async ({ origin }) => {
        const fetch = upstreamFetch({ allowLoopbackHttp: true, timeoutMs: 1000, maxBytes: 1024 });
        await refused(fetch(`${origin}/?size=4096`), 'too_large');
        await refused(fetch(`${origin}/?size=1025`), 'too_large');
        const atLimit = await fetch(`${origin}/?size=1024`);
        assert.equal((await atLimit.text()).length, 1024);
      },
    );
  });

  it('gives up on a server that never answers within the timeout', async () => {
    await withServer(
      () => undefined,
      async ({ origin, hits }) => {
        const started = performance.now();
        await refused(upstreamFetch({ allowLoopbackHttp: true, timeoutMs: 200 })(origin), 'timeout');
        const elapsed = performance.now() - started;
        assert.equal(hits.length, 1, 'the request did reach the server');
        assert.ok(elapsed >= 190 && elapsed < 1500, `gave up after ${elapsed} ms`);
      },
    );
  });

  it('counts the body in the timeout: a response that trickles forever is refused', async () => {
    await withServer(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{');
      },
      async ({ origin }) => {
        await refused(upstreamFetch({ allowLoopbackHttp: true, timeoutMs: 200 })(origin), 'timeout');
      },
    );
  });

  it("honours the caller's AbortSignal, already aborted or aborted on the way", async () => {
    await withServer(
      () => undefined,
      async ({ origin, hits }) => {
        const fetch = upstreamFetch({ allowLoopbackHttp: true, timeoutMs: 5000 });
        await refused(fetch(origin, { signal: AbortSignal.abort() }), 'aborted');
        assert.equal(hits.length, 0, 'an aborted signal opens no connection');
        const started = performance.now();
        const err = await refused(fetch(origin, { signal: AbortSignal.timeout(100) }), 'aborted');
        assert.ok(performance.now() - started < 1500);
        assert.equal((err.cause as Error).name, 'TimeoutError');
      },
    );
  });

  it('rejects options above the limits', () => {
    assert.throws(() => upstreamFetch({ allowLoopbackHttp: false, timeoutMs: 5001 }), RangeError);
    assert.throws(() => upstreamFetch({ allowLoopbackHttp: false, timeoutMs: 0 }), RangeError);
    assert.throws(() => upstreamFetch({ allowLoopbackHttp: false, maxBytes: -1 }), RangeError);
    assert.doesNotThrow(() => upstreamFetch({ allowLoopbackHttp: false, timeoutMs: 5000 }));
  });
});

describe('upstream fetch: requests and secrets', () => {
  it('sends method, headers and a form body as fetch would, and hands back every response header', async () => {
    await withServer(
      (req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => {
          body += c.toString();
        });
        req.on('end', () => {
          res.setHeader('set-cookie', ['a=1', 'b=2']);
          res.setHeader('x-multi', ['one', 'two']);
          res.writeHead(201, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ method: req.method, headers: req.headers, body }));
        });
      },
      async ({ origin }) => {
        const response = await upstreamFetch({ allowLoopbackHttp: true })(`${origin}/token`, {
          method: 'post',
          headers: { authorization: 'Basic abc', 'accept-encoding': 'gzip', host: 'elsewhere.example' },
          body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c0de' }),
        });
        assert.equal(response.status, 201);
        assert.equal(response.headers.get('x-multi'), 'one, two');
        assert.deepEqual(response.headers.getSetCookie(), ['a=1', 'b=2']);
        const seen = (await response.json()) as {
          method: string;
          headers: Record<string, string>;
          body: string;
        };
        assert.equal(seen.method, 'POST');
        assert.equal(seen.body, 'grant_type=authorization_code&code=c0de');
        assert.equal(seen.headers['content-type'], 'application/x-www-form-urlencoded;charset=UTF-8');
        assert.equal(seen.headers['content-length'], String(seen.body.length));
        assert.equal(seen.headers.authorization, 'Basic abc');
        assert.equal(seen.headers['accept-encoding'], 'identity');
        assert.equal(seen.headers.host, new URL(origin).host);
      },
    );
  });

  it('puts no secret, path or query in its errors', async () => {
    const secret = 'top-s3cret-value';
    await withServer(
      (_req, res) => {
        res.writeHead(200, { 'content-length': '100000' });
        res.end('x'.repeat(100000));
      },
      async ({ origin }) => {
        const fetch = upstreamFetch({ allowLoopbackHttp: true, timeoutMs: 1000, maxBytes: 10 });
        const failures = [
          await refused(
            fetch(`${origin}/token?code=${secret}`, {
              method: 'POST',
              headers: { authorization: `Basic ${secret}` },
              body: new URLSearchParams({ client_secret: secret }),
            }),
            'too_large',
          ),
          await refused(fetch(`https://10.0.0.1/token?code=${secret}`, { body: secret }), 'address'),
          await refused(fetch(`https://user:${secret}@idp.example/`), 'url'),
          await refused(fetch(`gopher://${secret}/`), 'scheme'),
          await refused(fetch(`http://[${secret}/`), 'url'),
        ];
        for (const err of failures) {
          const visible = `${err.message} ${err.stack} ${JSON.stringify(err)} ${err.detail} ${err.origin}`;
          assert.ok(!visible.includes(secret), visible);
          assert.ok(!visible.includes('/token'), visible);
        }
      },
    );
  });
});

describe('upstream fetch with openid-client', () => {
  /** openid-client wraps what its fetch throws in a ClientError ("something went wrong") as `cause`. */
  const refusedBy = (code: RefusalCode) => (err: unknown) =>
    err instanceof oidc.ClientError && err.cause instanceof UpstreamFetchRefused && err.cause.code === code;
  const metadata = (issuer: string) => ({
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  });
  const discoveryServer = (req: IncomingMessage, res: ServerResponse, { origin }: TestServer) => {
    if (req.url !== '/.well-known/openid-configuration') return void res.writeHead(404).end();
    json(metadata(origin))(req, res);
  };

  it('is a CustomFetch that discovery() uses for the whole round trip', async () => {
    await withServer(discoveryServer, async ({ origin, hits }) => {
      const calls: string[] = [];
      const guarded = upstreamFetch({ allowLoopbackHttp: true });
      const customFetch: oidc.CustomFetch = (url, options) => {
        calls.push(url);
        return guarded(url, options);
      };
      const config = await oidc.discovery(new URL(origin), 'sesame', undefined, undefined, {
        execute: [oidc.allowInsecureRequests],
        [oidc.customFetch]: customFetch,
      });
      assert.equal(config.serverMetadata().issuer, origin);
      assert.equal(config.serverMetadata().token_endpoint, `${origin}/token`);
      assert.deepEqual(calls, [`${origin}/.well-known/openid-configuration`]);
      assert.equal(hits[0]?.headers['accept-encoding'], 'identity', 'the request went through upstreamFetch');
    });
  });

  it('makes discovery fail on a loopback issuer when loopback is not allowed, without a request', async () => {
    await withServer(discoveryServer, async ({ origin, hits }) => {
      await assert.rejects(
        oidc.discovery(new URL(origin), 'sesame', undefined, undefined, {
          execute: [oidc.allowInsecureRequests],
          [oidc.customFetch]: upstreamFetch({ allowLoopbackHttp: false }),
        }),
        refusedBy('scheme'),
      );
      assert.equal(hits.length, 0);
    });
  });

  it('makes discovery fail on a redirecting issuer', async () => {
    await withServer(discoveryServer, async (target) => {
      await withServer(
        (_req, res) => {
          res.writeHead(301, { location: `${target.origin}/.well-known/openid-configuration` });
          res.end();
        },
        async (redirecting) => {
          await assert.rejects(
            oidc.discovery(new URL(redirecting.origin), 'sesame', undefined, undefined, {
              execute: [oidc.allowInsecureRequests],
              [oidc.customFetch]: upstreamFetch({ allowLoopbackHttp: true }),
            }),
            refusedBy('redirect'),
          );
          assert.equal(target.hits.length, 0);
        },
      );
    });
  });
});
