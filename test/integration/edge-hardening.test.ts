import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { serveLambda } from '../../functions/local/lambda-http.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

/** A raw HTTP/1.1 GET with exactly the Host header and path given (fetch would normalise both). */
function rawGet(base: string, path: string, headers: Record<string, string> = {}) {
  const { hostname, port } = new URL(base);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET', headers, setHost: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the HTTP edge of npm start and the handler', () => {
  let sesame: RunningSesame;
  before(async () => {
    sesame = await startSesame({ proxy: true });
  });
  after(() => sesame.close());

  it('advertises only the configured issuer’s URLs, whatever Host or X-Forwarded-Host says', async () => {
    for (const headers of [
      { host: 'evil.example' },
      { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
    ]) {
      const res = await rawGet(sesame.issuer, '/.well-known/openid-configuration', headers);
      assert.equal(res.status, 200);
      const doc = JSON.parse(res.body) as Record<string, unknown>;
      assert.equal(doc.issuer, sesame.issuer);
      const urls = Object.values(doc).filter((v): v is string => typeof v === 'string' && /^https?:/.test(v));
      assert.ok(urls.length > 5);
      for (const url of urls) assert.ok(url.startsWith(sesame.issuer), `${url} is on the issuer`);
      assert.ok(!res.body.includes('evil.example'));
    }
  });

  it('answers odd paths with a 4xx at worst, never a 5xx', async () => {
    for (const path of ['//', '///', '//evil.example/x', '/..//..', '/%2e%2e/', '/a?b=%zz']) {
      const res = await rawGet(sesame.issuer, path, { host: '127.0.0.1' });
      assert.ok(res.status < 500, `${path} gave ${res.status}`);
    }
  });
});

describe('limits of the local HTTP server', { timeout: 20_000 }, () => {
  let server: Awaited<ReturnType<typeof serveLambda>>;
  before(async () => {
    server = await serveLambda(async () => ({ statusCode: 200, body: 'ok' }), {
      port: 0,
      limits: { headersTimeoutMs: 300, requestTimeoutMs: 600, maxConnections: 4 },
    });
  });
  after(() => server.close());

  const port = () => Number(new URL(server.url).port);

  function open(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: port() }, () => resolve(s));
      s.on('error', reject);
    });
  }
  /** Resolves when the server ended the connection (the socket must flow to see the end). */
  const closed = (s: Socket) =>
    new Promise<void>((resolve) => {
      s.once('close', () => resolve());
      s.resume();
    });

  it('closes a connection whose headers never finish', async () => {
    const s = await open();
    s.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const started = Date.now();
    await closed(s);
    assert.ok(Date.now() - started < 5_000);
  });

  it('closes a request whose body never finishes', async () => {
    const s = await open();
    s.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\npartial');
    await closed(s);
  });

  it('refuses a declared body over the limit at once', async () => {
    const s = await open();
    let reply = '';
    s.on('data', (c: Buffer) => {
      reply += c.toString();
    });
    s.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999\r\n\r\n');
    await closed(s);
    assert.match(reply, /^HTTP\/1\.1 413/);
  });

  it('caps the number of open connections', async () => {
    const sockets = await Promise.all(Array.from({ length: 10 }, open));
    const dropped = await Promise.all(
      sockets.map(
        (s) =>
          new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), 200);
            s.once('close', () => {
              clearTimeout(timer);
              resolve(true);
            });
          }),
      ),
    );
    assert.ok(dropped.filter(Boolean).length >= 6, `dropped ${dropped.filter(Boolean).length} of 10`);
    for (const s of sockets) s.destroy();
  });
});
