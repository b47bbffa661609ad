import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROUTE as ACCOUNT_ROUTE } from '../../functions/account/routes.ts';
import { ROUTE as CONSOLE_ROUTE } from '../../functions/console/routes.ts';
import { CALLBACK, LOGGED_OUT } from '../../functions/interactions/federation.ts';
import { LINK as INVITATION_LINK } from '../../functions/interactions/invitation.ts';
import { BRAND_CSS, ROUTE as INTERACTION_ROUTE } from '../../functions/interactions/routes.ts';
import { SHORT_LOGIN } from '../../functions/interactions/short-login.ts';
import { PROJECT_ROOT } from '../../infra/bundling.ts';
import { STAGE_NAME } from '../../infra/construct/edge.ts';
import {
  BACK_CHANNEL_ENDPOINTS,
  BROWSER_FORM_PREFIXES,
  FRONT_CHANNEL_ENDPOINTS,
  SECRET_LINK_PREFIXES,
  SHORT_LOGIN_FORM,
} from '../../infra/construct/waf-routes.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';
import { synthApp } from './support.ts';
import { countsRequest, type WafRequest, webAclOf } from './waf-eval.ts';

/**
 * The WAF statements held to the routes the application really serves: oidc-provider's endpoints as
 * a running Sesame advertises them in discovery, Sesame's own routes as the regular expressions its
 * handlers match (expanded into concrete paths), and the path variants that reach the same handler —
 * upper case (oidc-provider routes case-insensitively), percent-encoding, a trailing slash and the
 * stage prefix browsers send without a custom domain. Written after `POST /TOKEN` and
 * `/live/interaction/…` were found to pass the old rules uncounted.
 */

/** Sesame's path-matching regular expressions (functions/), each with what the WAF must do with it. */
const SESAME_ROUTES = [
  INTERACTION_ROUTE,
  SHORT_LOGIN,
  ACCOUNT_ROUTE,
  CALLBACK,
  LOGGED_OUT,
  INVITATION_LINK,
  CONSOLE_ROUTE,
];
/**
 * The general limit is enough for pages upstream identity providers send browsers back to (GET
 * only), and for the admin console: its forms carry no credential to guess (they need a signed-in
 * administrator's session and CSRF token), and the admin API below it is Bearer-authenticated and
 * rate-limited per caller by the application itself.
 */
const GENERAL_ONLY_PREFIXES = ['/federation', '/admin'];
/** Static assets with a parameter in the file name (a tenant's stylesheet): GET, the general limit. */
const STATIC_ROUTES = [BRAND_CSS];

/** Path segments that fill the routes' parameters (an interaction uid, a connection id, an invitation). */
const PARAMETER_SAMPLES = ['Qm9vK2xl_u-1', 'acme-entra', `acme.${'A'.repeat(22)}.${'b'.repeat(43)}`];

/**
 * Concrete paths a route regex accepts, up to four segments, built from the literal words of the
 * regex and the parameter samples — so a new action (`|reset`) shows up here without anyone listing it.
 */
function expand(route: RegExp): string[] {
  const source = route.source.replace(/\\\//g, '/');
  const words = [...source.matchAll(/[a-z][a-z-]*[a-z]/g)]
    .map((m) => m[0])
    .filter((w) => !/^[a-z]-[a-z]$/.test(w));
  const first = /^\^\/([a-z-]+)/.exec(source)?.[1];
  assert.ok(first, `${route} starts with a literal segment`);
  const vocabulary = [...new Set([...words, ...PARAMETER_SAMPLES])];
  const found: string[] = [];
  const grow = (path: string, depth: number) => {
    if (route.test(path)) found.push(path);
    if (depth === 3) return;
    for (const word of vocabulary) grow(`${path}/${word}`, depth + 1);
  };
  grow(`/${first}`, 0);
  return found;
}

/** The forms a request path can take and still reach the handler of `path`. */
function variants(path: string, trailingSlash: boolean): string[] {
  const encoded = path.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`);
  const forms = [path, path.toUpperCase(), encoded, ...(trailingSlash ? [`${path}/`] : [])];
  return [
    ...forms,
    ...forms.map((p) => `/${STAGE_NAME}${p}`),
    `/${STAGE_NAME.toUpperCase()}${path.toUpperCase()}`,
  ];
}

const under = (prefixes: readonly string[], path: string) =>
  prefixes.some((p) => path === p || path.startsWith(`${p}/`));

const acl = webAclOf(
  synthApp({ context: { 'sesame:local': '' } })
    .template('Sesame')
    .toJSON() as Parameters<typeof webAclOf>[0],
);
const counts = (rule: string, request: WafRequest) => countsRequest(acl, rule, request);
const BROWSER = 'browser-credentials-rate';
const PER_CLIENT = 'back-channel-per-client-rate';
const BACK_CHANNEL_IP = 'back-channel-per-ip-rate';
const GLOBAL = 'global-rate';
const basic = { authorization: 'Basic YXBwOnNlY3JldA==' };

describe('WAF statements against the routes the application serves', () => {
  let sesame: RunningSesame;
  let discovery: Record<string, unknown>;
  before(async () => {
    sesame = await startSesame({}, undefined, { issuerPath: `/${STAGE_NAME}` });
    discovery = (await (await fetch(`${sesame.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
  });
  after(() => sesame.close());

  /** Whether the running application routes `path` (anything but its 404). */
  const served = async (method: string, path: string) => {
    const origin = new URL(sesame.issuer).origin;
    const res = await fetch(`${origin}${path}`, {
      method,
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...basic },
      ...(method === 'POST' ? { body: '' } : {}),
    });
    await res.arrayBuffer();
    return res.status !== 404;
  };

  it('classifies every endpoint discovery advertises, and knows the back-channel ones by their real paths', () => {
    const endpoints = Object.keys(discovery).filter((k) => k.endsWith('_endpoint') || k === 'jwks_uri');
    const classified = [...Object.keys(BACK_CHANNEL_ENDPOINTS), ...FRONT_CHANNEL_ENDPOINTS];
    assert.deepEqual(
      endpoints.filter((k) => !classified.includes(k)),
      [],
      'an endpoint the WAF does not place: add it to waf-routes.ts',
    );
    for (const [name, path] of Object.entries(BACK_CHANNEL_ENDPOINTS))
      assert.equal(new URL(String(discovery[name])).pathname, `/${STAGE_NAME}${path}`, name);
  });

  it('counts every form of every back-channel request per client and per IP, never as a browser credential', async () => {
    for (const path of Object.values(BACK_CHANNEL_ENDPOINTS)) {
      assert.ok(await served('POST', path), `${path} is served`);
      for (const variant of variants(path, true)) {
        for (const method of ['POST', 'GET']) {
          const request = { method, path: variant, headers: basic, ip: '198.51.100.7' };
          assert.ok(counts(PER_CLIENT, request), `${method} ${variant} per client`);
          assert.ok(counts(BACK_CHANNEL_IP, request), `${method} ${variant} per IP`);
          assert.ok(!counts(BROWSER, request), `${method} ${variant} is no browser credential`);
          assert.ok(!counts(GLOBAL, request), `${method} ${variant} leaves the general budget alone`);
        }
      }
    }
  });

  it('serves the very variants the old rules missed: upper case, trailing slash, stage prefix', async () => {
    for (const path of ['/TOKEN', '/token/', `/${STAGE_NAME}/token`, `/${STAGE_NAME}/Token/Introspection`])
      assert.ok(await served('POST', path), path);
  });

  it('counts a public client (no Authorization header) per IP, and /token/introspection apart from /token', () => {
    const request = { method: 'POST', path: '/token', ip: '198.51.100.7' };
    assert.ok(!counts(PER_CLIENT, request), 'WAF skips requests missing a custom key');
    assert.ok(counts(BACK_CHANNEL_IP, request));
    // The old /token STARTS_WITH rule counted introspection at browser-login rates.
    assert.ok(!counts(BROWSER, { ...request, path: '/token/introspection' }));
  });

  it('expands each of Sesame’s route patterns into concrete paths the application serves', async () => {
    for (const route of SESAME_ROUTES) {
      const paths = expand(route);
      assert.ok(paths.length > 0, `${route} yields paths`);
      const method = route === INVITATION_LINK || route === CALLBACK || route === LOGGED_OUT ? 'GET' : 'POST';
      for (const path of paths.slice(0, 40)) {
        assert.ok(await served(method, path), `${method} ${path}`);
        assert.ok(await served(method, `/${STAGE_NAME}${path}`), `${method} /${STAGE_NAME}${path}`);
      }
    }
  });

  it('counts every POST to Sesame’s forms, in every form of the path, against the tight per-IP limit', () => {
    for (const route of SESAME_ROUTES)
      for (const path of expand(route)) {
        const inForms = under(BROWSER_FORM_PREFIXES, path) || new RegExp(`^${SHORT_LOGIN_FORM}$`).test(path);
        const secretLink = under(SECRET_LINK_PREFIXES, path);
        assert.ok(
          inForms || secretLink || under(GENERAL_ONLY_PREFIXES, path),
          `${path}: a route the WAF does not place (waf-routes.ts)`,
        );
        for (const variant of variants(path, false)) {
          const post = { method: 'POST', path: variant, ip: '203.0.113.9' };
          const get = { method: 'GET', path: variant, ip: '203.0.113.9' };
          assert.equal(counts(BROWSER, post), inForms || secretLink, `POST ${variant}`);
          assert.equal(counts(BROWSER, get), secretLink, `GET ${variant}: pages are not credentials`);
          assert.ok(counts(GLOBAL, get), `GET ${variant} is in the general budget`);
          assert.ok(!counts(PER_CLIENT, { ...post, headers: basic }), `POST ${variant} is not back channel`);
        }
      }
  });

  it('serves the static assets with a parameter, counted by the general limit only', async () => {
    for (const path of ['/static/brand/acme.css', '/static/sesame.css', '/static/sesame.js']) {
      assert.ok(STATIC_ROUTES.some((r) => r.test(path)) || path.startsWith('/static/sesame.'));
      assert.ok(await served('GET', path), path);
      for (const variant of variants(path, false)) {
        const get = { method: 'GET', path: variant, ip: '203.0.113.9' };
        assert.ok(counts(GLOBAL, get) && !counts(BROWSER, get), variant);
      }
    }
  });

  it('counts the sign-in form posted under the resume path as a credential, and not the authorization endpoint', () => {
    const at = (method: string, path: string) => ({ method, path, ip: '203.0.113.9' });
    for (const path of [
      '/auth/Qm9vK2xl_u-1/login',
      `/${STAGE_NAME}/AUTH/Qm9vK2xl_u-1/Login`,
      '/auth/%51m9vK2xl_u-1/login',
    ])
      assert.ok(counts(BROWSER, at('POST', path)), path);
    for (const path of ['/auth', '/auth/Qm9vK2xl_u-1', '/auth/Qm9vK2xl_u-1/loginx', '/authx/a/login'])
      assert.ok(!counts(BROWSER, at('POST', path)) && !counts(BROWSER, at('GET', path)), path);
  });

  it('leaves the front-channel endpoints to the general limit', () => {
    for (const name of FRONT_CHANNEL_ENDPOINTS) {
      const path = new URL(String(discovery[name])).pathname;
      for (const variant of [path, path.slice(STAGE_NAME.length + 1)]) {
        const request = { method: 'GET', path: variant, ip: '203.0.113.9' };
        assert.ok(counts(GLOBAL, request), variant);
        assert.ok(!counts(BROWSER, request) && !counts(BACK_CHANNEL_IP, request), variant);
      }
    }
  });

  it('knows every path pattern in functions/ (a new route must be placed in the WAF before it ships)', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
      );
    const root = join(PROJECT_ROOT, 'functions');
    const inSource = files(root)
      .filter((f) => !/\/(local|cli)\//.test(f))
      .flatMap((f) =>
        [...readFileSync(f, 'utf8').matchAll(/\/(\^\\\/[a-z](?:\\.|[^/\\\n])*)\/[a-z]*\s*[;,)]/g)].map(
          (m) => `${relative(root, f)}: ${m[1]}`,
        ),
      );
    const known = [...SESAME_ROUTES, ...STATIC_ROUTES].map((r) => r.source);
    assert.deepEqual(
      inSource.filter((entry) => !known.some((source) => entry.endsWith(`: ${source}`))),
      [],
    );
  });
});

describe('WAF statements', () => {
  it('decode and lower-case every path before matching', () => {
    const text = JSON.stringify(acl.rules);
    const pathMatches = [
      ...text.matchAll(
        /"FieldToMatch":\{"UriPath":\{\}\},"RegexString":"[^"]*","TextTransformations":(\[[^\]]*\])/g,
      ),
    ];
    assert.ok(pathMatches.length >= 4);
    for (const [, transformations] of pathMatches)
      assert.deepEqual(JSON.parse(transformations as string), [
        { Priority: 0, Type: 'URL_DECODE' },
        { Priority: 1, Type: 'LOWERCASE' },
      ]);
  });

  it('exempts listed back ends from the back-channel and general limits, never from the browser limit', () => {
    const exempting = webAclOf(
      synthApp({
        context: { 'sesame:local': '' },
        overrides: { waf: { exemptIpv4Ranges: ['192.0.2.0/24'] } },
      })
        .template('Sesame')
        .toJSON() as Parameters<typeof webAclOf>[0],
    );
    const backEnd = { method: 'POST', path: '/token/introspection', headers: basic, ip: '192.0.2.10' };
    const other = { ...backEnd, ip: '198.51.100.7' };
    for (const rule of [PER_CLIENT, BACK_CHANNEL_IP]) {
      assert.ok(!countsRequest(exempting, rule, backEnd), rule);
      assert.ok(countsRequest(exempting, rule, other), rule);
    }
    assert.ok(!countsRequest(exempting, GLOBAL, { method: 'GET', path: '/jwks', ip: '192.0.2.10' }));
    assert.ok(
      countsRequest(exempting, BROWSER, { method: 'POST', path: '/interaction/x/login', ip: '192.0.2.10' }),
    );
  });

  it('gives back channels much higher limits than browser credentials, per client first', () => {
    const limit = (name: string) => {
      const rule = acl.rules.find((r) => r.Name === name);
      assert.ok(rule, name);
      return (rule.Statement.RateBasedStatement as { Limit: number }).Limit;
    };
    assert.ok(limit(PER_CLIENT) >= 50 * limit(BROWSER));
    assert.ok(limit(BACK_CHANNEL_IP) > limit(PER_CLIENT));
    const perClient = acl.rules.find((r) => r.Name === PER_CLIENT)?.Statement.RateBasedStatement as {
      AggregateKeyType: string;
      CustomKeys: unknown[];
    };
    assert.equal(perClient.AggregateKeyType, 'CUSTOM_KEYS');
    assert.deepEqual(perClient.CustomKeys, [
      { IP: {} },
      { Header: { Name: 'authorization', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } },
    ]);
  });
});
