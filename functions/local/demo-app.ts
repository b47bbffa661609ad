import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Eta } from 'eta/core';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import * as oidc from 'openid-client';

/**
 * A DEMO relying app for `npm start`: it signs a user in through Sesame with openid-client
 * (code + PKCE) and shows the ID-token claims and roles. It keeps login state in memory and is not
 * a pattern for production apps. It implements OIDC Back-Channel Logout at `/backchannel-logout`:
 * when the user signs out of Sesame or ends the session from their account page, Sesame's logout
 * token ends the demo's session too.
 */
const eta = new Eta({ autoEscape: true });
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Demo app · Sesame</title></head>
<body style="font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto">
<p style="background:#fef3c7;padding:.5rem"><strong>DEMO relying app</strong> — shows what an app receives from Sesame.</p>
<% if (it.claims) { %>
<h1>Signed in as <span id="name"><%= it.claims.name ?? it.claims.sub %></span></h1>
<p>Roles in this app: <strong id="roles"><%= (it.claims.roles ?? []).join(', ') || '(none)' %></strong></p>
<h2>ID token claims</h2><pre id="claims"><%= JSON.stringify(it.claims, null, 2) %></pre>
<p><a href="<%= it.account %>">Your Sesame account</a> · <a href="/logout">Sign out</a></p>
<% } else { %>
<h1>Not signed in</h1><p><a id="login" href="/login">Sign in with Sesame</a></p>
<% if (it.error) { %><p role="alert"><%= it.error %></p><% } %>
<% } %>
</body></html>`;

const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
function remoteKeys(jwksUri: string): ReturnType<typeof createRemoteJWKSet> {
  let keys = keySets.get(jwksUri);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(jwksUri));
    keySets.set(jwksUri, keys);
  }
  return keys;
}

/** The request body as text, refused past `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

interface Pending {
  verifier: string;
  state: string;
  nonce: string;
}

export interface DemoApp {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startDemoApp(options: {
  issuer: string;
  clientId: string;
  clientSecret: string;
  port: number;
}): Promise<DemoApp> {
  const pending = new Map<string, Pending>();
  const sessions = new Map<string, { claims: oidc.IDToken; idToken: string }>();
  let config: oidc.Configuration | undefined;
  const discover = async () => {
    config ??= await oidc.discovery(
      new URL(options.issuer),
      options.clientId,
      options.clientSecret,
      undefined,
      {
        execute: options.issuer.startsWith('http:') ? [oidc.allowInsecureRequests] : [],
      },
    );
    return config;
  };
  let base = '';
  const account = `${options.issuer.replace(/\/+$/, '')}/account`;
  /** Logout token ids already used (OIDC Back-Channel Logout §2.6 step 7: refuse a replay). */
  const usedLogoutTokens = new Map<string, number>();
  const verifyLogoutToken = async (token: string): Promise<JWTPayload> => {
    const metadata = (await discover()).serverMetadata();
    const { payload } = await jwtVerify(token, remoteKeys(String(metadata.jwks_uri)), {
      issuer: metadata.issuer,
      audience: options.clientId,
      typ: 'logout+jwt',
      maxTokenAge: '5 minutes',
      requiredClaims: ['iat', 'jti', 'events'],
    });
    const events = payload.events as Record<string, unknown> | undefined;
    if (typeof events?.[BACKCHANNEL_EVENT] !== 'object') throw new Error('not a logout token');
    if (payload.nonce !== undefined) throw new Error('a logout token has no nonce');
    if (typeof payload.sid !== 'string' && typeof payload.sub !== 'string') throw new Error('no sid or sub');
    const now = Date.now();
    for (const [jti, expires] of usedLogoutTokens) if (expires < now) usedLogoutTokens.delete(jti);
    if (usedLogoutTokens.has(String(payload.jti))) throw new Error('logout token replayed');
    usedLogoutTokens.set(String(payload.jti), now + 10 * 60_000);
    return payload;
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base);
    const cookie = /demo_sid=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? '')?.[1] ?? '';
    const html = (status: number, data: object) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(eta.renderString(PAGE, data));
    };
    try {
      if (url.pathname === '/') return html(200, { claims: sessions.get(cookie)?.claims, account });
      if (url.pathname === '/backchannel-logout' && req.method === 'POST') {
        let logout: JWTPayload;
        try {
          const form = new URLSearchParams(await readBody(req, 16_384));
          logout = await verifyLogoutToken(form.get('logout_token') ?? '');
        } catch {
          res.writeHead(400, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          return res.end('{"error":"invalid_request"}');
        }
        // The sessions this token names: by `sid` (Sesame always sends it), else every one of `sub`.
        for (const [key, s] of sessions)
          if (logout.sid ? s.claims.sid === logout.sid : s.claims.sub === logout.sub) sessions.delete(key);
        res.writeHead(200, { 'cache-control': 'no-store' });
        return res.end();
      }
      if (url.pathname === '/login') {
        const sid = randomBytes(16).toString('base64url');
        const p: Pending = {
          verifier: oidc.randomPKCECodeVerifier(),
          state: oidc.randomState(),
          nonce: oidc.randomNonce(),
        };
        pending.set(sid, p);
        const target = oidc.buildAuthorizationUrl(await discover(), {
          redirect_uri: `${base}/callback`,
          scope: 'openid email profile roles',
          code_challenge: await oidc.calculatePKCECodeChallenge(p.verifier),
          code_challenge_method: 'S256',
          state: p.state,
          nonce: p.nonce,
          // Third-party initiated login (an invitation's link) names the account to sign in with.
          ...(url.searchParams.get('login_hint')
            ? { login_hint: url.searchParams.get('login_hint') as string }
            : {}),
          // An app that wants a stronger sign-in than the session's (step-up, OIDC Core §3.1.2.1).
          ...(url.searchParams.get('acr_values')
            ? { acr_values: url.searchParams.get('acr_values') as string }
            : {}),
        });
        res.writeHead(302, {
          location: target.href,
          'set-cookie': `demo_sid=${sid}; HttpOnly; SameSite=Lax; Path=/`,
        });
        return res.end();
      }
      if (url.pathname === '/callback') {
        const p = pending.get(cookie);
        if (!p) return html(400, { error: 'No sign-in in progress. Start again.', account });
        pending.delete(cookie);
        const tokens = await oidc.authorizationCodeGrant(await discover(), url, {
          pkceCodeVerifier: p.verifier,
          expectedState: p.state,
          expectedNonce: p.nonce,
        });
        const claims = tokens.claims();
        if (!claims || !tokens.id_token) return html(400, { error: 'No ID token received.', account });
        sessions.set(cookie, { claims, idToken: tokens.id_token });
        res.writeHead(302, { location: '/' });
        return res.end();
      }
      if (url.pathname === '/logout') {
        const s = sessions.get(cookie);
        sessions.delete(cookie);
        const target = oidc.buildEndSessionUrl(await discover(), {
          post_logout_redirect_uri: `${base}/`,
          ...(s ? { id_token_hint: s.idToken } : {}),
        });
        res.writeHead(302, { location: target.href });
        return res.end();
      }
      res.writeHead(404).end('Not found');
    } catch (err) {
      html(400, {
        error: `Sign-in failed: ${err instanceof Error ? err.message : 'unknown error'}`,
        account,
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    server,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
