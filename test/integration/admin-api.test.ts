import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { createUser } from '../../functions/domain/accounts.ts';
import { OPERATOR } from '../../functions/domain/admin/actor.ts';
import { updateClient } from '../../functions/domain/admin/clients.ts';
import { entitleTenant, grantAdmin } from '../../functions/domain/admin/delegation.ts';
import { addTenant } from '../../functions/domain/admin/federation.ts';
import { setEmailCodes } from '../../functions/domain/credentials/email-code/strategy.ts';
import type { User } from '../../functions/domain/ports.ts';
import { grantRole } from '../../functions/domain/roles.ts';
import { ACR } from '../../functions/oidc/acr.ts';
import { adminResource } from '../../functions/oidc/admin-resource.ts';
import { adminToken, automationClient, enrolTotp } from '../support/admin.ts';
import { submitCode, totpNow } from '../support/mfa.ts';
import { PASSWORD, REDIRECT, relyingParty, startLogin, submitLogin } from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

/**
 * The admin API over HTTP with real tokens from Sesame: users' tokens from a code flow with a second
 * factor (openid-client as the app), automation clients' from the client-credentials grant.
 */
let sesame: RunningSesame;
let resource: string;
let tool: oidc.Configuration;
let opsAcme: oidc.Configuration;
let opsGlobal: oidc.Configuration;
let plain: oidc.Configuration;
const users: Record<string, User> = {};
const secrets: Record<string, string> = {};
const deps = () => sesame.parts.deps;

async function person(key: string, email: string, tenantId: string, totp = true): Promise<User> {
  const user = await createUser(deps(), { email, name: key, password: PASSWORD, tenantId });
  users[key] = user;
  if (!totp) return user;
  secrets[key] = await enrolTotp(sesame, user);
  return user;
}

before(async () => {
  sesame = await startSesame();
  resource = adminResource(sesame.issuer);
  await addTenant(deps(), OPERATOR, { id: 'acme', name: 'Acme Corp' });
  await addTenant(deps(), OPERATOR, { id: 'beta', name: 'Beta' });
  await relyingParty(sesame, { clientId: 'shop', roles: ['clerk', 'manager', 'owner'] });
  await updateClient(deps(), OPERATOR, { clientId: 'shop', memberInvites: true });
  await entitleTenant(deps(), OPERATOR, { tenantId: 'acme', clientId: 'shop', roles: ['clerk', 'manager'] });
  ({ config: tool } = await relyingParty(sesame, { clientId: 'admin-tool', adminApi: 'users' }));
  opsAcme = await automationClient(sesame, 'ops-acme', 'tenant:acme');
  opsGlobal = await automationClient(sesame, 'ops-all', 'global');
  ({ config: plain } = await relyingParty(sesame, {
    clientId: 'plain-cc',
    redirectUris: [],
    clientCredentials: true,
  }));
  await person('ada', 'ada@acme.example', 'acme');
  await grantAdmin(deps(), OPERATOR, { email: 'ada@acme.example', level: 'tenant', tenantId: 'acme' });
  await person('bob', 'bob@acme.example', 'acme');
  await grantRole(deps(), { email: 'bob@acme.example', clientId: 'shop', role: 'clerk', actor: 'test' });
  await person('bea', 'bea@beta.example', 'beta');
  await person('nomfa', 'nomfa@acme.example', 'acme', false);
  await grantAdmin(deps(), OPERATOR, { email: 'nomfa@acme.example', level: 'tenant', tenantId: 'acme' });
});

after(async () => {
  await sesame?.close();
});

/** A user's admin API token: code flow through `admin-tool` with the admin resource, TOTP when enrolled. */
async function userToken(key: string, acr: string = ACR.mfa): Promise<string> {
  const user = users[key] as User;
  const started = await startLogin(tool, { scope: 'openid admin', resource, acr_values: acr });
  let page = await submitLogin(started, user.email, PASSWORD);
  const secret = secrets[key];
  if (secret) {
    page = await submitCode(started, page, 'totp', await totpNow(sesame, secret));
    sesame.clock.advance(30_000);
  }
  assert.ok(page.url.startsWith(REDIRECT), `signed in (status ${page.status})`);
  const tokens = await oidc.authorizationCodeGrant(
    tool,
    new URL(page.url),
    { pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce },
    { resource },
  );
  return tokens.access_token;
}

const clientToken = (config: oidc.Configuration) => adminToken(sesame, config);

async function call(
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
  type = 'application/json',
) {
  const res = await fetch(`${resource}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': type } : {}),
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  assert.doesNotMatch(text, /\$argon2|passwordHash|secretSealed|at [\w.]+ \(/, 'no hash, secret or stack');
  return {
    status: res.status,
    headers: res.headers,
    // biome-ignore lint/suspicious/noExplicitAny: response bodies are picked apart field by field below
    json: text ? (JSON.parse(text) as Record<string, any>) : {},
  };
}

function assertProblem(r: Awaited<ReturnType<typeof call>>, status: number, code?: string) {
  assert.equal(r.status, status, JSON.stringify(r.json));
  assert.equal(r.headers.get('content-type'), 'application/problem+json');
  assert.equal(r.json.status, status);
  assert.equal(typeof r.json.title, 'string');
  if (code) assert.equal(r.json.type, `urn:sesame:problem:${code}`);
}

describe('admin API', { timeout: 60_000 }, () => {
  it('publishes an OpenAPI 3.1 document made from the request schemas', async () => {
    const r = await call(null, 'GET', '/openapi.json');
    assert.equal(r.status, 200);
    assert.equal(r.json.openapi, '3.1.0');
    const create = r.json.paths['/tenants/{tenantId}/users'].post;
    const schema = create.requestBody.content['application/json'].schema;
    assert.deepEqual(schema.required.sort(), ['email', 'name']);
    assert.equal(schema.additionalProperties, false);
    assert.ok(create.parameters.some((p: { name: string }) => p.name === 'tenantId'));
    assert.ok(
      r.json.paths['/audit-events'].get.parameters.some((p: { name: string }) => p.name === 'cursor'),
    );
  });

  it('refuses requests without a valid admin token, with a Bearer challenge', async () => {
    assertProblem(await call(null, 'GET', '/tenants'), 401, 'invalid_token');
    const bad = await call('not.a.token', 'GET', '/tenants');
    assertProblem(bad, 401, 'invalid_token');
    assert.match(bad.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token"/);
    // An ordinary access token (for userinfo) of the same user is no admin token.
    const started = await startLogin(tool, { scope: 'openid', acr_values: ACR.mfa });
    let page = await submitLogin(started, 'ada@acme.example', PASSWORD);
    page = await submitCode(started, page, 'totp', await totpNow(sesame, secrets.ada as string));
    sesame.clock.advance(30_000);
    const tokens = await oidc.authorizationCodeGrant(tool, new URL(page.url), {
      pkceCodeVerifier: started.verifier,
      expectedState: started.state,
      expectedNonce: started.nonce,
    });
    assertProblem(await call(tokens.access_token, 'GET', '/tenants'), 401, 'invalid_token');
    assertProblem(await call(null, 'GET', '/nothing-here'), 404);
  });

  it('gives admin tokens only to apps with admin API access, for that resource only', async () => {
    await assert.rejects(
      oidc.clientCredentialsGrant(plain, { scope: 'admin', resource }),
      (e: { error?: string }) => e.error === 'invalid_target',
    );
    await assert.rejects(
      oidc.clientCredentialsGrant(opsAcme, { scope: 'admin', resource: 'https://elsewhere.example/api' }),
      (e: { error?: string }) => e.error === 'invalid_target',
    );
    const claims = decodeJwt(await clientToken(opsAcme));
    assert.equal(claims.aud, resource);
    assert.equal(claims.scope, 'admin');
    assert.ok((claims.exp as number) - (claims.iat as number) <= 300, 'five minutes at most');
  });

  it('limits an automation client of tenant A to tenant A: 403/404, nothing changed', async () => {
    const token = await clientToken(opsAcme);
    const mine = await call(token, 'GET', '/tenants/acme/users');
    assert.equal(mine.status, 200);
    assert.ok(mine.json.items.some((u: { email: string }) => u.email === 'bob@acme.example'));
    assert.ok(mine.json.items.every((u: { tenantId: string }) => u.tenantId === 'acme'));
    assertProblem(await call(token, 'GET', '/tenants/beta/users'), 403, 'forbidden');
    assertProblem(await call(token, 'GET', `/users/${users.bea?.id}`), 404, 'not_found');
    assertProblem(await call(token, 'POST', `/users/${users.bea?.id}/disable`), 404);
    assert.equal((await deps().users.findById(users.bea?.id as string))?.disabled, false);
    const intruder = { email: 'mallory@beta.example', name: 'Mallory', password: 'a long enough passphrase' };
    assertProblem(await call(token, 'POST', '/tenants/beta/users', intruder), 403);
    assert.equal(await deps().users.findIdByEmailKey('mallory@beta.example'), null);
    assertProblem(await call(token, 'POST', '/tenants/beta/invitations', { email: 'x@beta.example' }), 403);
    assert.equal((await deps().invitations.list('beta')).length, 0);
    assertProblem(await call(token, 'PUT', '/tenants/acme/entitlements/shop', { roles: ['owner'] }), 403);
    assertProblem(await call(token, 'GET', '/clients'), 403);
    // Within A: only the roles A is entitled to.
    const bob = users.bob as User;
    assertProblem(await call(token, 'PUT', `/users/${bob.id}/roles/shop/owner`), 403);
    assert.deepEqual(await deps().roles.rolesIn(bob.id, 'shop'), ['clerk']);
    const granted = await call(token, 'PUT', `/users/${bob.id}/roles/shop/manager`);
    assert.equal(granted.status, 200);
    assert.deepEqual(granted.json.roles.sort(), ['clerk', 'manager']);
    assert.equal((await call(token, 'DELETE', `/users/${bob.id}/roles/shop/manager`)).json.roles.length, 1);
    const denied = (
      await deps().auditLog.query({ from: 0, to: Date.now() + 1e9, limit: 100, tenant: 'acme' })
    ).events;
    assert.ok(
      denied.some((e) => e.type === 'admin.denied' && e.actor === 'client:ops-acme'),
      'refusals audited',
    );
  });

  it('lets a global automation client do anything, and withdrawing access stops its tokens at once', async () => {
    const token = await clientToken(opsGlobal);
    const clients = await call(token, 'GET', '/clients');
    assert.equal(clients.status, 200);
    assert.ok(clients.json.items.some((c: { clientId: string }) => c.clientId === 'shop'));
    assert.ok(!JSON.stringify(clients.json).includes('client_secret'));
    assert.equal((await call(token, 'GET', '/tenants/beta/users')).status, 200);
    await updateClient(deps(), OPERATOR, { clientId: 'ops-all', adminApi: null });
    assertProblem(await call(token, 'GET', '/clients'), 401, 'invalid_token');
    await updateClient(deps(), OPERATOR, { clientId: 'ops-all', adminApi: 'global' });
  });

  it('registers apps (global admins) and manages a tenant’s connections, never echoing a secret', async () => {
    const global = await clientToken(opsGlobal);
    const made = await call(global, 'POST', '/clients', {
      clientId: 'reports',
      redirectUris: ['https://reports.example/cb'],
      roles: ['reader'],
    });
    assert.equal(made.status, 201, JSON.stringify(made.json));
    assert.match(made.json.clientSecret, /^[\w-]{43}$/, 'the secret, once');
    assert.equal((await call(global, 'GET', '/clients/reports')).json.clientSecret, undefined);
    const patched = await call(global, 'PATCH', '/clients/reports', { requireMfa: true });
    assert.equal(patched.json.requireMfa, true);
    assertProblem(
      await call(global, 'PATCH', '/clients/reports', { adminApi: 'global' }),
      400,
      'invalid_client',
    );
    const acme = await clientToken(opsAcme);
    assertProblem(
      await call(acme, 'POST', '/clients', { clientId: 'sneaky', redirectUris: ['https://x.example/cb'] }),
      403,
    );
    assert.equal(await deps().clients.get('sneaky'), null);

    const connection = {
      id: 'acme-idp',
      tenantId: 'acme',
      type: 'oidc',
      issuer: 'https://idp.acme.example',
      clientId: 'sesame',
      clientSecret: 'upstream-secret-value',
    };
    const added = await call(acme, 'POST', '/connections', connection);
    assert.equal(added.status, 201, JSON.stringify(added.json));
    assert.equal(added.json.callbackUrl, `${sesame.issuer}/federation/acme-idp/callback`);
    assert.ok(!JSON.stringify(added.json).includes('upstream-secret-value'));
    assertProblem(
      await call(acme, 'POST', '/connections', { ...connection, id: 'beta-idp', tenantId: 'beta' }),
      403,
    );
    const mapping = { claim: 'groups', value: 'Owners', clientId: 'shop', role: 'owner' };
    assertProblem(await call(acme, 'PUT', '/connections/acme-idp/role-mappings', mapping), 403);
    const mapped = await call(acme, 'PUT', '/connections/acme-idp/role-mappings', {
      ...mapping,
      role: 'clerk',
    });
    assert.equal(mapped.json.roleMappings.length, 1);
    assert.equal((await call(acme, 'POST', '/connections/acme-idp/disable')).json.disabled, true);
    const replaced = await call(acme, 'PUT', '/connections/acme-idp/credential', {
      clientSecret: 'another-secret',
    });
    assert.equal(replaced.status, 200);
    assert.ok(!JSON.stringify(replaced.json).includes('another-secret'));
    assert.equal((await call(acme, 'DELETE', '/connections/acme-idp')).json.removed, 'acme-idp');
    assertProblem(await call(acme, 'GET', '/connections/acme-idp'), 404);
  });

  it('lets a tenant admin with MFA manage their tenant and page through its users', async () => {
    const token = await userToken('ada');
    const claims = decodeJwt(token);
    assert.equal(claims.sub, users.ada?.id);
    assert.equal(claims.acr, ACR.mfa);
    for (const n of [1, 2, 3, 4, 5]) {
      const made = await call(token, 'POST', '/tenants/acme/users', {
        email: `page${n}@acme.example`,
        name: `P${n}`,
      });
      assert.equal(made.status, 201);
      assert.equal(made.json.tenantId, 'acme');
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await call(
        token,
        'GET',
        `/tenants/acme/users?email=PAGE&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      assert.equal(r.status, 200);
      assert.ok(r.json.items.length <= 2);
      seen.push(...r.json.items.map((u: { email: string }) => u.email));
      cursor = r.json.next;
    } while (cursor);
    assert.deepEqual(
      seen,
      [1, 2, 3, 4, 5].map((n) => `page${n}@acme.example`),
      'prefix search, in order, each once',
    );
    const bob = users.bob as User;
    const shown = await call(token, 'GET', `/users/${bob.id}`);
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.json.roles, [{ clientId: 'shop', role: 'clerk', source: 'admin' }]);
    assert.equal(shown.json.factors.totp.on, true);
    assertProblem(await call(token, 'GET', `/users/${users.bea?.id}`), 404);
    assertProblem(await call(token, 'GET', '/tenants/beta'), 403);
    assertProblem(await call(token, 'GET', '/audit-events?tenantId=beta'), 403);
    // (Not bob: disabling ends sessions at the manual clock's time, which runs ahead of oidc-provider's.)
    const page1 = (await deps().users.findByEmailKey('page1@acme.example')) as User;
    const off = await call(token, 'POST', `/users/${page1.id}/disable`);
    assert.equal(off.json.disabled, true);
    assert.equal((await deps().users.findById(page1.id))?.disabled, true);
    assert.equal((await call(token, 'POST', `/users/${page1.id}/enable`)).json.disabled, false);
    const audit = await call(token, 'GET', '/audit-events?type=user.disabled');
    assert.equal(audit.status, 200);
    assert.ok(
      audit.json.items.some(
        (e: { target: string; actor: string }) => e.target === page1.id && e.actor === users.ada?.id,
      ),
    );
    assert.ok(audit.json.items.every((e: { tenant: string }) => e.tenant === 'acme'));
    assertProblem(await call(token, 'PUT', `/users/${users.ada?.id}/admin`, { level: 'global' }), 403);
    assert.equal(
      (await deps().users.findById(users.ada?.id as string))?.admin,
      'tenant',
      'no self-promotion',
    );
  });

  it('lets a member invite with a subset of the roles they hold, and nothing else', async () => {
    const token = await userToken('bob');
    const invited = await call(token, 'POST', '/tenants/acme/invitations', {
      email: 'friend@acme.example',
      clientId: 'shop',
      roles: ['clerk'],
    });
    assert.equal(invited.status, 201, JSON.stringify(invited.json));
    assert.equal(invited.json.status, 'pending');
    assert.ok(!('secretDigest' in invited.json));
    const before = (await deps().invitations.list('acme')).length;
    assertProblem(
      await call(token, 'POST', '/tenants/acme/invitations', {
        email: 'x@acme.example',
        clientId: 'shop',
        roles: ['manager'],
      }),
      403,
    );
    assertProblem(await call(token, 'GET', '/tenants/acme/users'), 403);
    assertProblem(
      await call(token, 'POST', '/tenants/beta/invitations', {
        email: 'y@beta.example',
        clientId: 'shop',
        roles: ['clerk'],
      }),
      403,
    );
    assert.equal((await deps().invitations.list('acme')).length, before, 'nothing created');
  });

  it('refuses a user token without the MFA acr, and one from before the user was disabled', async () => {
    const weak = await userToken('nomfa', ACR.password);
    assert.equal(decodeJwt(weak).acr, ACR.password);
    assertProblem(await call(weak, 'GET', '/tenants/acme/users'), 403, 'mfa_required');
    const token = await userToken('ada');
    assert.equal((await call(token, 'GET', '/tenants/acme')).status, 200);
    await deps().users.updateProfile(users.ada?.id as string, { disabled: true });
    assertProblem(await call(token, 'GET', '/tenants/acme'), 401, 'invalid_token');
    await deps().users.updateProfile(users.ada?.id as string, { disabled: false });
  });

  it('wants the user’s strongest factor and a sign-in from the last hour', async () => {
    // Bob has an authenticator and e-mail codes: a token from an e-mailed code does not administer.
    const bob = users.bob as User;
    await setEmailCodes(deps(), { userId: bob.id, enabled: true, actor: 'test' });
    const started = await startLogin(tool, { scope: 'openid admin', resource, acr_values: ACR.mfaEmail });
    const mfa = await submitLogin(started, bob.email, PASSWORD);
    const since = sesame.mail.messages.length;
    await started.browser.submit(mfa, '/mfa/send', {});
    const code = /sign-in code is (\d{6})/.exec((await sesame.mail.next(bob.email, since)).text)?.[1] ?? '';
    const page = await submitCode(started, mfa, 'email', code);
    const tokens = await oidc.authorizationCodeGrant(
      tool,
      new URL(page.url),
      { pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce },
      { resource },
    );
    assert.equal(decodeJwt(tokens.access_token).acr, ACR.mfaEmail);
    const body = { email: 'via-email-code@acme.example', clientId: 'shop', roles: ['clerk'] };
    assertProblem(
      await call(tokens.access_token, 'POST', '/tenants/acme/invitations', body),
      403,
      'mfa_required',
    );
    await setEmailCodes(deps(), { userId: bob.id, enabled: false, actor: 'test' });

    const token = await userToken('ada');
    assert.equal((await call(token, 'GET', '/tenants/acme')).status, 200);
    sesame.clock.advance(3601_000); // the token itself is still valid; the sign-in behind it is too old
    assertProblem(await call(token, 'GET', '/tenants/acme'), 401, 'invalid_token');
  });

  it('answers bad input with a 400 naming the field, and applies nothing', async () => {
    const token = await clientToken(opsAcme);
    const wrongType = await call(token, 'POST', '/tenants/acme/users', { email: 5, name: 'X' });
    assertProblem(wrongType, 400, 'invalid_request');
    assert.deepEqual(
      wrongType.json.errors.map((e: { field: string }) => e.field),
      ['email'],
    );
    const extra = await call(token, 'POST', '/tenants/acme/users', {
      email: 'e@acme.example',
      name: 'E',
      admin: 'global',
    });
    assertProblem(extra, 400);
    assert.ok(extra.json.errors.some((e: { field: string }) => e.field.includes('admin')));
    assert.equal(await deps().users.findIdByEmailKey('e@acme.example'), null);
    const weak = await call(token, 'POST', '/tenants/acme/users', {
      email: 'w@acme.example',
      name: 'W',
      password: 'short',
    });
    assertProblem(weak, 400, 'weak_password');
    assert.equal(await deps().users.findIdByEmailKey('w@acme.example'), null);
    assertProblem(await call(token, 'POST', '/tenants/acme/users', '{"email":', 'application/json'), 400);
    assertProblem(
      await call(token, 'POST', '/tenants/acme/users', 'email=x', 'application/x-www-form-urlencoded'),
      415,
    );
    assertProblem(
      await call(token, 'POST', '/tenants/acme/users', {
        email: 'big@acme.example',
        name: 'x'.repeat(70_000),
      }),
      413,
    );
    const limit = await call(token, 'GET', '/tenants/acme/users?limit=1000');
    assertProblem(limit, 400);
    assert.equal(limit.json.errors[0].field, 'limit');
    assertProblem(await call(token, 'GET', '/tenants/acme/users?limit=1&limit=2'), 400);
    const elsewhere = Buffer.from('page1@acme.example').toString('base64url');
    assertProblem(await call(token, 'GET', `/tenants/acme/users?email=zz&cursor=${elsewhere}`), 400);
    assertProblem(await call(token, 'GET', '/tenants/Not_An_Id/users'), 400);
    assertProblem(await call(token, 'PATCH', '/users/abc'), 405);
  });
});
