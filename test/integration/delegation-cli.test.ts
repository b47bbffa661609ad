import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMMANDS, UsageError } from '../../functions/cli/commands.ts';
import { createUser } from '../../functions/domain/accounts.ts';
import { addUser, PASSWORD, REDIRECT, relyingParty, startLogin, submitLogin } from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

async function run(sesame: RunningSesame, noun: string, verb: string, values: Record<string, unknown>) {
  const command = COMMANDS.find((c) => c.noun === noun && c.verb === verb);
  if (!command) throw new Error(`no command ${noun} ${verb}`);
  return (await command.run(sesame.parts, sesame.config, values)) as Record<string, unknown>;
}

describe('admin CLI: administrators, entitlements, invitations', () => {
  let sesame: RunningSesame;
  before(async () => {
    sesame = await startSesame();
    await run(sesame, 'tenant', 'add', { id: 'acme', name: 'Acme Corp' });
    await run(sesame, 'client', 'add', {
      id: 'shop',
      'redirect-uri': ['https://shop.example.com/cb'],
      roles: 'clerk,manager',
      'initiate-login-uri': 'https://shop.example.com/login',
    });
    await run(sesame, 'user', 'add', {
      email: 'ada@acme.example',
      name: 'Ada',
      tenant: 'acme',
      'generate-password': true,
    });
  });
  after(() => sesame.close());

  it('entitles a tenant, makes and removes a tenant admin, and switches member invitations', {
    timeout: 30_000,
  }, async () => {
    const entitled = await run(sesame, 'tenant', 'entitle', {
      tenant: 'acme',
      client: 'shop',
      roles: 'clerk',
    });
    assert.deepEqual(entitled.entitlements, { shop: ['clerk'] });
    const granted = await run(sesame, 'admin', 'grant', { email: 'ada@acme.example', tenant: 'acme' });
    assert.equal(granted.admin, 'tenant');
    await assert.rejects(run(sesame, 'admin', 'grant', { email: 'ada@acme.example', tenant: 'other' }), {
      code: 'invalid_setting',
    });
    await assert.rejects(run(sesame, 'admin', 'grant', { email: 'ada@acme.example' }), UsageError);
    assert.equal((await run(sesame, 'admin', 'revoke', { email: 'ada@acme.example' })).admin, null);
    const updated = await run(sesame, 'client', 'update', { id: 'shop', 'member-invites': 'true' });
    assert.equal(updated.member_invites, true);
    const shown = await run(sesame, 'client', 'show', { id: 'shop' });
    assert.equal(shown.initiate_login_uri, 'https://shop.example.com/login');
  });

  it('requires a second factor of every user of a tenant with tenant update --require-mfa', {
    timeout: 30_000,
  }, async () => {
    const { config: app } = await relyingParty(sesame, { clientId: 'mfa-shop' });
    await createUser(sesame.parts.deps, {
      email: 'tess@acme.example',
      name: 'Tess',
      password: PASSWORD,
      tenantId: 'acme',
    });
    await addUser(sesame, 'dora@example.com');
    const updated = await run(sesame, 'tenant', 'update', {
      id: 'acme',
      'require-mfa': 'any',
      'display-name': 'ACME',
    });
    assert.equal(updated.requireMfa, 'any');
    const tess = await submitLogin(await startLogin(app), 'tess@acme.example', PASSWORD);
    assert.match(tess.url, /\/mfa$/, 'Acme’s user goes on to a second factor (here: enrolment)');
    const dora = await submitLogin(await startLogin(app), 'dora@example.com', PASSWORD);
    assert.ok(dora.url.startsWith(REDIRECT), 'another tenant’s user signs in with the password alone');
    await assert.rejects(
      run(sesame, 'tenant', 'update', { id: 'acme', 'require-mfa': 'always' }),
      UsageError,
    );
    await run(sesame, 'tenant', 'update', { id: 'acme', 'require-mfa': 'off' });
  });

  it('creates, lists, resends and revokes invitations, printing no link', { timeout: 30_000 }, async () => {
    const since = sesame.mail.messages.length;
    const created = await run(sesame, 'invitation', 'create', {
      tenant: 'acme',
      email: 'ivy@acme.example',
      client: 'shop',
      roles: 'clerk',
    });
    assert.equal(created.status, 'pending');
    const mail = await sesame.mail.next('ivy@acme.example', since);
    const secret = /\/invitation\/\S+\.(\S+)$/m.exec(mail.text)?.[1] ?? '';
    assert.ok(secret.length === 43);
    const listed = (await run(sesame, 'invitation', 'list', { tenant: 'acme' })) as unknown as unknown[];
    const printed = JSON.stringify([
      created,
      listed,
      await run(sesame, 'invitation', 'resend', { tenant: 'acme', id: created.id }),
    ]);
    assert.ok(!printed.includes(secret), 'the link goes to the invited address only');
    assert.equal(
      (await run(sesame, 'invitation', 'revoke', { tenant: 'acme', id: created.id })).status,
      'revoked',
    );
    await assert.rejects(run(sesame, 'invitation', 'revoke', { tenant: 'acme', id: created.id }), {
      code: 'invalid_setting',
    });
  });

  it('lists audit events by user, type and time, and refuses a bad range or cursor with a sentence', {
    timeout: 30_000,
  }, async () => {
    const page = await run(sesame, 'audit', 'list', { email: 'ada@acme.example', type: 'admin.granted' });
    const events = page.events as Array<{ type: string; target: string }>;
    assert.ok(events.length >= 1 && events.every((e) => e.type === 'admin.granted'));
    const all = await run(sesame, 'audit', 'list', { limit: '3' });
    assert.equal((all.events as unknown[]).length, 3);
    const next = await run(sesame, 'audit', 'list', { limit: '3', cursor: all.next });
    assert.notDeepEqual(next.events, all.events);
    await assert.rejects(run(sesame, 'audit', 'list', { from: '2020-01-01' }), UsageError);
    await assert.rejects(run(sesame, 'audit', 'list', { cursor: 'garbage' }), UsageError);
    await assert.rejects(run(sesame, 'audit', 'list', { from: 'yesterday' }), UsageError);
  });

  it('gives apps admin API access, lists and searches a tenant’s users, disables and enables one', {
    timeout: 30_000,
  }, async () => {
    const ops = await run(sesame, 'client', 'add', {
      id: 'ops-bot',
      grant: ['client_credentials'],
      admin: 'tenant:acme',
    });
    assert.equal(ops.admin_api, 'tenant:acme');
    await assert.rejects(
      run(sesame, 'client', 'add', { id: 'ops-2', grant: ['client_credentials'], admin: 'tenant:nowhere' }),
      { code: 'invalid_setting' },
    );
    await assert.rejects(run(sesame, 'client', 'update', { id: 'shop', admin: 'global' }), {
      code: 'invalid_client',
    });
    assert.equal((await run(sesame, 'client', 'update', { id: 'ops-bot', admin: 'none' })).admin_api, null);
    await run(sesame, 'user', 'add', {
      email: 'Zed@acme.example',
      name: 'Zed',
      tenant: 'acme',
      'generate-password': true,
    });
    const listed = await run(sesame, 'user', 'list', { tenant: 'acme', email: 'z', limit: '10' });
    assert.deepEqual(
      (listed.users as Array<{ email: string }>).map((u) => u.email),
      ['Zed@acme.example'],
    );
    const all = await run(sesame, 'user', 'list', { tenant: 'acme', limit: '1' });
    assert.equal((all.users as unknown[]).length, 1);
    assert.ok(all.next);
    await assert.rejects(
      run(sesame, 'user', 'list', { tenant: 'acme', email: 'q', cursor: all.next }),
      UsageError,
    );
    assert.equal((await run(sesame, 'user', 'disable', { email: 'zed@acme.example' })).disabled, true);
    assert.equal((await run(sesame, 'user', 'enable', { email: 'zed@acme.example' })).disabled, false);
  });
});
