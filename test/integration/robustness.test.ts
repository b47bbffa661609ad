import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as oidc from 'openid-client';
import { findForm, type Page } from '../support/browserless.ts';
import {
  assertErrorAtCallback,
  assertNoInternals,
  assertRefused,
  authorizationUrl,
  basic,
  RecordingClient,
} from '../support/protocol.ts';
import {
  addUser,
  interactionUrl,
  PASSWORD,
  REDIRECT,
  relyingParty,
  signIn,
  startLogin,
  submitLogin,
} from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

/**
 * SECURITY.md "Robustness": malformed, oversized, duplicated and missing parameters, wrong methods
 * and content types get a 4xx (or an OAuth error sent to the app) — never a 5xx, never internals.
 */
const BIG_VALUE = 'x'.repeat(10 * 1024);
const BIG_BODY = `a=${'x'.repeat(100 * 1024)}`;
const FORM = 'application/x-www-form-urlencoded';

interface Probe {
  name: string;
  method?: string;
  /** Path and query, appended to the issuer. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

describe('robustness against malformed requests', () => {
  let sesame: RunningSesame;
  let app: oidc.Configuration;
  let secret: string;
  let auth: string;
  /** A browser with a live login interaction (cookies included), and that interaction's page. */
  let browser: RecordingClient;
  let loginPage: Page;
  let uid: string;
  let csrf: string;

  before(async () => {
    sesame = await startSesame();
    const rp = await relyingParty(sesame, { clientId: 'app-a' });
    app = rp.config;
    secret = rp.clientSecret ?? '';
    auth = basic('app-a', secret);
    await addUser(sesame, 'rob@example.com', { name: 'Rob' });
    browser = new RecordingClient();
    ({ page: loginPage } = await startLogin(app, {}, browser));
    uid = /\/interaction\/([^/?]+)$/.exec(interactionUrl(loginPage))?.[1] ?? '';
    assert.ok(uid, loginPage.url);
    csrf = findForm(loginPage.html, '/login').hidden.csrf ?? '';
    assert.ok(csrf);
  });
  after(() => sesame.close());

  /** Sends every probe (with the interaction's cookies) and checks each answer is a clean refusal. */
  async function probeAll(probes: Probe[]): Promise<void> {
    const failures: string[] = [];
    for (const p of probes) {
      const what = `${p.method ?? 'GET'} ${p.path.slice(0, 80)} (${p.name})`;
      const url = `${sesame.issuer}${p.path}`;
      const cookie = await browser.jar.getCookieString(url);
      const res = await fetch(url, {
        method: p.method ?? 'GET',
        redirect: 'manual',
        headers: { ...(cookie ? { cookie } : {}), ...p.headers },
        ...(p.body === undefined ? {} : { body: p.body }),
      });
      try {
        await assertRefused(res, what);
      } catch (err) {
        failures.push((err as Error).message.split('\n')[0] ?? what);
      }
    }
    assert.deepEqual(failures, []);
  }

  const form = (body: string, extra: Record<string, string> = {}) => ({
    method: 'POST',
    headers: { 'content-type': FORM, ...extra },
    body,
  });

  it('/auth refuses malformed, oversized, duplicated and missing parameters, other methods and bodies', async () => {
    const { url } = await authorizationUrl(sesame.issuer, 'app-a');
    const valid = url.slice(sesame.issuer.length);
    await probeAll([
      { name: 'no parameters', path: '/auth' },
      { name: 'only client_id', path: '/auth?client_id=app-a' },
      { name: 'duplicated client_id', path: `${valid}&client_id=app-a` },
      { name: 'duplicated state', path: `${valid}&state=again` },
      { name: 'duplicated redirect_uri', path: `${valid}&redirect_uri=${encodeURIComponent(REDIRECT)}` },
      { name: '10 KB client_id', path: `/auth?client_id=${BIG_VALUE}&response_type=code` },
      {
        name: '10 KB redirect_uri',
        path: valid.replace(/redirect_uri=[^&]+/, `redirect_uri=https://a.example/${BIG_VALUE}`),
      },
      {
        name: '10 KB code_challenge',
        path: valid.replace(/code_challenge=[^&]+/, `code_challenge=${BIG_VALUE}`),
      },
      { name: 'bad percent-encoding', path: '/auth?client_id=%zz&redirect_uri=%E0%A4%A' },
      { name: 'NUL byte in client_id', path: '/auth?client_id=app-a%00&response_type=code' },
      { name: 'short code_challenge', path: valid.replace(/code_challenge=[^&]+/, 'code_challenge=abc') },
      { name: 'garbage request object', path: `${valid}&request=not.a.jwt` },
      { name: 'request_uri', path: `${valid}&request_uri=https%3A%2F%2Fevil.example%2Fr` },
      { name: 'negative max_age', path: `${valid}&max_age=-1` },
      { name: 'non-numeric max_age', path: `${valid}&max_age=abc` },
      { name: 'unknown prompt', path: `${valid}&prompt=bogus` },
      { name: 'prompt none with login', path: `${valid}&prompt=none+login` },
      { name: 'unknown response_mode', path: `${valid}&response_mode=bogus` },
      { name: 'garbage id_token_hint', path: `${valid}&prompt=none&id_token_hint=garbage` },
      { name: 'unknown scope only', path: valid.replace(/scope=[^&]+/, 'scope=bogus') },
      {
        name: 'JSON body',
        path: '/auth',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"client_id":"app-a"}',
      },
      {
        name: 'text body',
        path: '/auth',
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'client_id=app-a',
      },
      { name: '100 KB form body', path: '/auth', ...form(BIG_BODY) },
      { name: 'PUT', path: valid, method: 'PUT' },
      { name: 'DELETE', path: valid, method: 'DELETE' },
    ]);
  });

  it('/token refuses malformed, oversized, duplicated and missing parameters, other methods and bodies', async () => {
    const code = `grant_type=authorization_code&code=x&redirect_uri=${encodeURIComponent(REDIRECT)}&code_verifier=${'v'.repeat(43)}`;
    const authed = (body: string) => form(body, { authorization: auth });
    await probeAll([
      { name: 'no body', path: '/token', method: 'POST', headers: { authorization: auth } },
      { name: 'empty form', path: '/token', ...authed('') },
      { name: 'no grant_type', path: '/token', ...authed('code=x') },
      { name: 'unknown grant_type', path: '/token', ...authed('grant_type=bogus') },
      { name: 'duplicated grant_type', path: '/token', ...authed(`${code}&grant_type=authorization_code`) },
      { name: 'duplicated code', path: '/token', ...authed(`${code}&code=y`) },
      { name: 'unknown code', path: '/token', ...authed(code) },
      { name: 'missing code', path: '/token', ...authed('grant_type=authorization_code') },
      { name: '10 KB code', path: '/token', ...authed(code.replace('code=x', `code=${BIG_VALUE}`)) },
      {
        name: '10 KB refresh_token',
        path: '/token',
        ...authed(`grant_type=refresh_token&refresh_token=${BIG_VALUE}`),
      },
      { name: '100 KB body', path: '/token', ...authed(BIG_BODY) },
      { name: 'bad percent-encoding', path: '/token', ...authed('grant_type=%zz&code=%E0%A4%A') },
      {
        name: 'invalid UTF-8',
        path: '/token',
        method: 'POST',
        headers: { 'content-type': FORM, authorization: auth },
        body: new Uint8Array([0x67, 0x3d, 0xff, 0xfe, 0xc3]),
      },
      {
        name: 'JSON body',
        path: '/token',
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: '{"grant_type":"client_credentials"}',
      },
      {
        name: 'text body',
        path: '/token',
        method: 'POST',
        headers: { 'content-type': 'text/plain', authorization: auth },
        body: 'grant_type=client_credentials',
      },
      { name: 'no client authentication', path: '/token', ...form(code) },
      { name: 'Basic not base64', path: '/token', ...form(code, { authorization: 'Basic !!!***' }) },
      {
        name: 'Basic without colon',
        path: '/token',
        ...form(code, { authorization: `Basic ${Buffer.from('app-a').toString('base64')}` }),
      },
      {
        name: 'Basic bad percent-encoding',
        path: '/token',
        ...form(code, { authorization: `Basic ${Buffer.from('%zz:%zz').toString('base64')}` }),
      },
      { name: '10 KB Basic', path: '/token', ...form(code, { authorization: `Basic ${BIG_VALUE}` }) },
      { name: 'Bearer instead of Basic', path: '/token', ...form(code, { authorization: 'Bearer abc' }) },
      {
        name: 'two authentication methods',
        path: '/token',
        ...authed(`${code}&client_id=app-a&client_secret=${secret}`),
      },
      {
        name: 'garbage client_assertion',
        path: '/token',
        ...form(
          `${code}&client_id=app-a&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=a.b.c`,
        ),
      },
      { name: 'unknown client', path: '/token', ...form(code, { authorization: basic('nobody', 'x') }) },
      { name: 'GET', path: '/token?grant_type=client_credentials', headers: { authorization: auth } },
      {
        name: 'PUT',
        path: '/token',
        method: 'PUT',
        headers: { 'content-type': FORM, authorization: auth },
        body: code,
      },
    ]);
  });

  it('/me (userinfo) refuses missing, garbage, oversized and duplicated tokens, other methods and bodies', async () => {
    await probeAll([
      { name: 'no token', path: '/me' },
      { name: 'empty Bearer', path: '/me', headers: { authorization: 'Bearer ' } },
      { name: 'Bearer with spaces', path: '/me', headers: { authorization: 'Bearer a b c' } },
      { name: '10 KB token', path: '/me', headers: { authorization: `Bearer ${BIG_VALUE}` } },
      { name: 'Basic scheme', path: '/me', headers: { authorization: auth } },
      {
        name: 'token in header and query',
        path: '/me?access_token=abc',
        headers: { authorization: 'Bearer abc' },
      },
      { name: 'duplicated query token', path: '/me?access_token=abc&access_token=def' },
      { name: 'bad percent-encoding', path: '/me?access_token=%zz' },
      {
        name: 'JSON body',
        path: '/me',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"access_token":"abc"}',
      },
      { name: '100 KB body', path: '/me', ...form(BIG_BODY, { authorization: 'Bearer abc' }) },
      {
        name: 'token in header and body',
        path: '/me',
        ...form('access_token=abc', { authorization: 'Bearer abc' }),
      },
      { name: 'DELETE', path: '/me', method: 'DELETE', headers: { authorization: 'Bearer abc' } },
      { name: 'PUT', path: '/me', method: 'PUT', headers: { authorization: 'Bearer abc' } },
    ]);
  });

  for (const endpoint of ['/token/introspection', '/token/revocation']) {
    it(`${endpoint} refuses malformed, oversized, duplicated and missing parameters, other methods and bodies`, async () => {
      const authed = (body: string) => form(body, { authorization: auth });
      await probeAll([
        { name: 'no token', path: endpoint, ...authed('') },
        { name: 'duplicated token', path: endpoint, ...authed('token=a&token=b') },
        {
          name: 'duplicated hint',
          path: endpoint,
          ...authed('token=a&token_type_hint=access_token&token_type_hint=refresh_token'),
        },
        { name: '100 KB body', path: endpoint, ...authed(BIG_BODY) },
        {
          name: 'JSON body',
          path: endpoint,
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: auth },
          body: '{"token":"a"}',
        },
        { name: 'no client authentication', path: endpoint, ...form('token=a') },
        {
          name: 'wrong client secret',
          path: endpoint,
          ...form('token=a', { authorization: basic('app-a', 'wrong') }),
        },
        { name: 'Basic not base64', path: endpoint, ...form('token=a', { authorization: 'Basic %%%' }) },
        { name: 'GET', path: `${endpoint}?token=a`, headers: { authorization: auth } },
        { name: 'DELETE', path: endpoint, method: 'DELETE', headers: { authorization: auth } },
      ]);
    });
  }

  it('/auth ignores what OAuth says to ignore (unknown scope values, the unsupported claims parameter) and carries on to the login page', async () => {
    for (const extra of [{ scope: `openid ${BIG_VALUE}` }, { claims: '{not-json' }]) {
      const { url } = await authorizationUrl(sesame.issuer, 'app-a', extra);
      const page = await new RecordingClient().follow(url, {}, REDIRECT);
      assert.equal(page.status, 200, Object.keys(extra)[0]);
      assert.ok(page.url.startsWith(`${sesame.issuer}/auth?`), page.url);
      assertNoInternals(page.html, Object.keys(extra)[0] ?? '');
    }
  });

  it('/token/introspection and /token/revocation treat an unknown, malformed or oversized token as inactive, not as an error', async () => {
    for (const token of ['garbage', '%zz', encodeURIComponent('€'.repeat(400)), BIG_VALUE]) {
      const intro = await fetch(
        `${sesame.issuer}/token/introspection`,
        form(`token=${token}`, { authorization: auth }),
      );
      assert.equal(intro.status, 200);
      assert.deepEqual(await intro.json(), { active: false });
      const revoke = await fetch(
        `${sesame.issuer}/token/revocation`,
        form(`token=${token}`, { authorization: auth }),
      );
      assert.equal(revoke.status, 200);
    }
  });

  it('/session/end refuses garbage hints, unknown clients, duplicated and oversized parameters, other methods and bodies', async () => {
    const html = { accept: 'text/html' };
    await probeAll([
      { name: 'garbage id_token_hint', path: '/session/end?id_token_hint=garbage', headers: html },
      { name: '10 KB id_token_hint', path: `/session/end?id_token_hint=${BIG_VALUE}`, headers: html },
      { name: 'unknown client_id', path: '/session/end?client_id=nobody' },
      { name: 'duplicated client_id', path: '/session/end?client_id=app-a&client_id=app-a' },
      {
        name: '10 KB post_logout_redirect_uri',
        path: `/session/end?client_id=app-a&post_logout_redirect_uri=https://a.example/${BIG_VALUE}`,
      },
      { name: 'bad percent-encoding', path: '/session/end?client_id=%zz' },
      {
        name: 'JSON body',
        path: '/session/end',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      },
      { name: '100 KB body', path: '/session/end', ...form(BIG_BODY) },
      { name: 'PUT', path: '/session/end', method: 'PUT' },
      { name: 'confirm without xsrf', path: '/session/end/confirm', ...form('logout=yes') },
      { name: 'confirm with forged xsrf', path: '/session/end/confirm', ...form('logout=yes&xsrf=forged') },
      { name: 'confirm duplicated xsrf', path: '/session/end/confirm', ...form('logout=yes&xsrf=a&xsrf=b') },
      { name: 'confirm 100 KB body', path: '/session/end/confirm', ...form(BIG_BODY) },
      { name: 'confirm by GET', path: '/session/end/confirm?logout=yes' },
    ]);
  });

  it('/session/end ignores a post_logout_redirect_uri sent without a client and never redirects to it', async () => {
    const b = new RecordingClient();
    const bye = 'https://evil.example/bye';
    const page = await b.follow(
      `${sesame.issuer}/session/end?post_logout_redirect_uri=${encodeURIComponent(bye)}`,
    );
    assert.equal(page.status, 200);
    // Without a session there is nothing to confirm: oidc-provider's self-submitting form, then Sesame's page.
    const done = await b.submit(page, '/session/end/confirm', {}, bye);
    assert.equal(done.status, 200, done.url);
    assert.ok(done.url.startsWith(sesame.issuer), done.url);
    assert.match(done.html, /Signed out/);
  });

  it('/interaction/<uid> refuses other methods, foreign or malformed uids and missing cookies', async () => {
    await probeAll([
      { name: 'POST', path: `/interaction/${uid}`, ...form('x=1') },
      { name: 'PUT', path: `/interaction/${uid}`, method: 'PUT' },
      { name: 'DELETE', path: `/interaction/${uid}`, method: 'DELETE' },
      { name: 'another uid', path: '/interaction/AAAAAAAAAAAAAAAAAAAAA' },
      { name: '10 KB uid', path: `/interaction/${BIG_VALUE}` },
      { name: 'uid with dots', path: '/interaction/..%2F..%2Fjwks' },
      { name: 'unknown action', path: `/interaction/${uid}/bogus`, ...form(`csrf=${csrf}`) },
    ]);
    // Without the interaction cookie (another browser): the friendly "expired" page, 400.
    const res = await fetch(`${sesame.issuer}/interaction/${uid}`, { redirect: 'manual' });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /expired/);
  });

  it('/interaction/<uid>/login refuses other methods, wrong content types, oversized and duplicated fields', async () => {
    const login = `/interaction/${uid}/login`;
    const good = `csrf=${csrf}&email=rob%40example.com&password=${encodeURIComponent(PASSWORD)}`;
    await probeAll([
      { name: 'GET', path: login },
      { name: 'PUT', path: login, method: 'PUT', headers: { 'content-type': FORM }, body: good },
      {
        name: 'JSON body',
        path: login,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ csrf, email: 'rob@example.com', password: PASSWORD }),
      },
      {
        name: 'multipart body',
        path: login,
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=x' },
        body: `--x\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n--x--`,
      },
      { name: 'no content type', path: login, method: 'POST', body: good },
      { name: '100 KB body', path: login, ...form(`${good}&${BIG_BODY}`) },
      {
        name: 'declared 100 KB',
        path: login,
        method: 'POST',
        headers: { 'content-type': FORM },
        body: BIG_BODY,
      },
      { name: 'duplicated csrf', path: login, ...form(`${good}&csrf=${csrf}`) },
      { name: 'duplicated email', path: login, ...form(`${good}&email=other%40example.com`) },
      { name: 'duplicated password', path: login, ...form(`${good}&password=x`) },
      { name: 'no fields', path: login, ...form('') },
      { name: 'bad percent-encoding', path: login, ...form(`csrf=%zz&email=%E0%A4%A&password=%`) },
      {
        name: 'invalid UTF-8',
        path: login,
        method: 'POST',
        headers: { 'content-type': FORM },
        body: new Uint8Array([0x63, 0x73, 0x72, 0x66, 0x3d, 0xff, 0xfe]),
      },
      { name: 'confirm on the login step', path: `/interaction/${uid}/confirm`, ...form(`csrf=${csrf}`) },
      { name: 'abort without csrf', path: `/interaction/${uid}/abort`, ...form('') },
    ]);
  });

  it('answers an oversized or multi-byte e-mail and password like a wrong password: the same page, never a 5xx', async () => {
    const b = new RecordingClient();
    const started = await startLogin(app, {}, b);
    for (const [email, password] of [
      [BIG_VALUE, PASSWORD],
      ['€'.repeat(1200), PASSWORD],
      [`rob@example.com${'\u0000'.repeat(300)}`, PASSWORD],
      ['rob@example.com', '€'.repeat(1000)],
    ] as const) {
      const page = await b.submit(started.page, '/login', { email, password }, REDIRECT);
      assert.equal(page.status, 200, `${email.slice(0, 20)}: ${page.status}`);
      assert.match(page.html, /The e-mail address or password is incorrect/);
      assertNoInternals(page.html, 'login');
    }
  });

  it('ignores oversized or forged session and interaction cookies instead of failing', async () => {
    const { url } = await authorizationUrl(sesame.issuer, 'app-a');
    for (const cookie of [
      `_session=${BIG_VALUE}; _session.sig=${BIG_VALUE}`,
      `_interaction=${BIG_VALUE}; _interaction.sig=x`,
      `_session=${'€'.repeat(1000)}`,
    ]) {
      for (const target of [
        url,
        `${sesame.issuer}/interaction/${uid}`,
        `${sesame.issuer}/session/end?client_id=app-a`,
      ]) {
        const res = await fetch(target, { redirect: 'manual', headers: { cookie: encodeURI(cookie) } });
        const body = await res.text();
        assert.ok(res.status < 500, `${target} with ${cookie.slice(0, 30)}: ${res.status}`);
        assertNoInternals(body, target);
      }
    }
  });

  it('refuses the login POST without its CSRF token or with a wrong one (403), even with the right password, and signs nobody in', async () => {
    const login = `${sesame.issuer}/interaction/${uid}/login`;
    const bodies = [
      { email: 'rob@example.com', password: PASSWORD },
      { csrf: '', email: 'rob@example.com', password: PASSWORD },
      {
        csrf: `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}`,
        email: 'rob@example.com',
        password: PASSWORD,
      },
      { csrf: 'forged', email: 'rob@example.com', password: PASSWORD },
    ];
    for (const fields of bodies) {
      const res = await browser.request(login, { method: 'POST', body: new URLSearchParams(fields) });
      const html = await res.text();
      assert.equal(res.status, 403, `csrf=${fields.csrf}`);
      assert.equal(res.headers.get('location'), null);
      assertNoInternals(html, 'csrf failure');
    }
    // The right CSRF token from another interaction (another browser) does not help either.
    const other = await startLogin(app);
    const foreign = findForm(other.page.html, '/login').hidden.csrf ?? '';
    const res = await browser.request(login, {
      method: 'POST',
      body: new URLSearchParams({ csrf: foreign, email: 'rob@example.com', password: PASSWORD }),
    });
    assert.equal(res.status, 403);
    // Nobody was signed in: the browser's session still needs a login.
    const silent = await startLogin(app, { prompt: 'none' }, browser);
    assertErrorAtCallback(silent.page, 'login_required', sesame.issuer);
  });

  it('still signs the user in afterwards through the real form: none of the probes changed or locked anything', async () => {
    const started = await startLogin(app, {}, browser);
    const done = await submitLogin(started, 'rob@example.com', PASSWORD);
    assert.ok(done.url.startsWith(REDIRECT), `status ${done.status} ${done.url}`);
    assert.ok(new URL(done.url).searchParams.get('code'));
  });

  describe('headers and cookies', () => {
    const CSP_CHECK = (page: { headers: Headers }, what: string) => {
      const csp = page.headers.get('content-security-policy') ?? '';
      const directives = new Map(
        csp.split(';').map((d) => {
          const [name = '', ...values] = d.trim().split(/\s+/);
          return [name, values] as const;
        }),
      );
      const scriptSrc = directives.get('script-src') ?? directives.get('default-src');
      assert.ok(scriptSrc, `${what}: CSP without script-src: ${csp}`);
      assert.equal(scriptSrc.includes("'unsafe-inline'"), false, `${what}: ${csp}`);
      assert.equal(scriptSrc.includes("'unsafe-eval'"), false, `${what}: ${csp}`);
      assert.deepEqual(directives.get('frame-ancestors'), ["'none'"], `${what}: ${csp}`);
      assert.equal(page.headers.get('x-content-type-options'), 'nosniff', what);
      assert.equal(page.headers.get('referrer-policy'), 'no-referrer', what);
      assert.match(page.headers.get('cache-control') ?? '', /no-store/, what);
    };

    it('interaction, error and logout pages carry CSP without inline script, frame-ancestors none, nosniff, no-referrer and no-store', async () => {
      const b = new RecordingClient();
      const started = await startLogin(app, { prompt: 'consent', scope: 'openid offline_access' }, b);
      CSP_CHECK(started.page, 'login page');
      const consent = await submitLogin(started, 'rob@example.com', PASSWORD);
      assert.match(consent.html, /\/confirm"/);
      CSP_CHECK(consent, 'consent page');
      const wrong = await b.submit(
        (await startLogin(app, { prompt: 'login' }, b)).page,
        '/login',
        { email: 'rob@example.com', password: 'wrong password!!' },
        REDIRECT,
      );
      assert.match(wrong.html, /incorrect/);
      CSP_CHECK(wrong, 'failed login page');

      const expired = await new RecordingClient().follow(interactionUrl(started.page));
      assert.equal(expired.status, 400);
      CSP_CHECK(expired, 'interaction error page');
      const csrfFailure = await b.follow(`${consent.url}/confirm`, {
        method: 'POST',
        body: new URLSearchParams(),
      });
      assert.equal(csrfFailure.status, 403);
      CSP_CHECK(csrfFailure, 'CSRF failure page');

      const { url } = await authorizationUrl(sesame.issuer, 'app-a', {
        redirect_uri: 'https://evil.example/',
      });
      const authError = await b.follow(url);
      assert.equal(authError.status, 400);
      CSP_CHECK(authError, 'authorization error page');

      const logout = await b.follow(`${sesame.issuer}/session/end?client_id=app-a`);
      assert.equal(logout.status, 200);
      CSP_CHECK(logout, 'logout page');
      const loggedOut = await b.submit(logout, '/session/end/confirm', { logout: 'yes' });
      assert.match(loggedOut.html, /Signed out/);
      CSP_CHECK(loggedOut, 'signed-out page');
    });

    it('every cookie set during sign-in, consent and logout is HttpOnly and SameSite', async () => {
      const b = new RecordingClient();
      const started = await startLogin(app, { prompt: 'consent', scope: 'openid offline_access' }, b);
      const consent = await submitLogin(started, 'rob@example.com', PASSWORD);
      const callback = await b.submit(consent, '/confirm', {}, REDIRECT);
      assert.ok(callback.url.startsWith(REDIRECT));
      const logout = await b.follow(`${sesame.issuer}/session/end?client_id=app-a`);
      await b.submit(logout, '/session/end/confirm', { logout: 'yes' });
      await signIn(app, 'rob@example.com');
      const names = new Set<string>();
      assert.ok(b.setCookies.length >= 4, `cookies seen: ${b.setCookies.length}`);
      for (const cookie of b.setCookies) {
        names.add(cookie.split('=')[0] ?? '');
        assert.match(cookie, /;\s*httponly/i, cookie);
        assert.match(cookie, /;\s*samesite=(lax|strict)/i, cookie);
      }
      for (const expected of ['_interaction', '_session', 'sesame.csrf']) {
        assert.ok(names.has(expected), `expected a ${expected} cookie, saw ${[...names]}`);
      }
    });
  });
});
