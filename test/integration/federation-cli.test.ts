import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMMANDS } from '../../functions/cli/commands.ts';
import { exitFor } from '../../functions/cli/errors.ts';
import { runCommand } from '../../functions/cli/run.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

async function run(sesame: RunningSesame, noun: string, verb: string, values: Record<string, unknown>) {
  const command = COMMANDS.find((c) => c.noun === noun && c.verb === verb);
  if (!command) throw new Error(`no command ${noun} ${verb}`);
  return (await command.run(sesame.parts, sesame.config, values)) as Record<string, unknown>;
}

const TID = '5a5a5a5a-1111-2222-3333-444444444444';

describe('admin CLI: tenants, domains, connections, links', () => {
  let sesame: RunningSesame;
  before(async () => {
    sesame = await startSesame();
  });
  after(() => sesame.close());

  it('adds a tenant, proves a domain locally and a connection whose secret is never printed', {
    timeout: 30_000,
  }, async () => {
    await run(sesame, 'tenant', 'add', { id: 'acme', name: 'Acme Corp' });
    const domain = await run(sesame, 'tenant', 'domain add', {
      tenant: 'acme',
      domain: 'Acme.Example',
      verified: true,
    });
    assert.equal(domain.domain, 'acme.example');
    assert.match(String((domain.dns_txt as { value: string }).value), /^sesame-verification=/);
    const added = await run(sesame, 'connection', 'add', {
      id: 'acme-entra',
      tenant: 'acme',
      type: 'entra',
      'entra-tenant-id': TID,
      'client-id': 'app-id',
      'client-secret': 'TOP-SECRET-VALUE',
      domains: ['acme.example'],
      button: true,
    });
    assert.equal(added.issuer, `https://login.microsoftonline.com/${TID}/v2.0`);
    assert.equal(added.callbackUrl, `${sesame.issuer}/federation/acme-entra/callback`);
    assert.deepEqual(added.domains, ['acme.example']);
    const everything = JSON.stringify([
      added,
      await run(sesame, 'connection', 'show', { id: 'acme-entra' }),
      await run(sesame, 'connection', 'list', {}),
      sesame.logs,
    ]);
    assert.ok(!everything.includes('TOP-SECRET-VALUE'), 'the secret is neither printed nor logged');
    const shown = await run(sesame, 'tenant', 'show', { id: 'acme' });
    assert.deepEqual(shown.connections, ['acme-entra']);
    const tenants = (await run(sesame, 'tenant', 'list', {})) as unknown as Array<{ id: string }>;
    assert.deepEqual(
      tenants.map((t) => t.id),
      ['default', 'acme'],
    );
  });

  it('refuses what is not acceptable with exit 1 or 2 and a sentence', { timeout: 30_000 }, async () => {
    const policy = sesame.config.passwordPolicy;
    const refused = async (values: Record<string, unknown>, noun = 'connection', verb = 'add') => {
      const err = await run(sesame, noun, verb, values).then(
        () => assert.fail(`accepted ${JSON.stringify(values)}`),
        (e: unknown) => e,
      );
      return exitFor(err, policy);
    };
    const base = { id: 'c2', tenant: 'acme', 'client-id': 'x', 'client-secret': 'y' };
    assert.deepEqual(await refused({ ...base, type: 'entra', 'entra-tenant-id': 'common' }), {
      status: 2,
      error: 'invalid_setting',
      message: 'Not accepted: --entra-tenant-id must be the directory (tenant) id, a GUID.',
    });
    assert.equal((await refused({ ...base, type: 'okta', issuer: 'http://10.0.0.1' })).status, 2);
    assert.equal(
      (await refused({ ...base, type: 'okta', issuer: 'https://x.example', tenant: 'nope' })).status,
      2,
    );
    assert.equal((await refused({ ...base, type: 'saml' })).status, 2);
    assert.equal(
      (await refused({ ...base, id: 'acme-entra', type: 'okta', issuer: 'https://x.example' })).error,
      'connection_exists',
    );
    assert.equal((await refused({ id: 'acme', name: 'Again' }, 'tenant', 'add')).error, 'tenant_exists');
    await run(sesame, 'tenant', 'add', { id: 'beta', name: 'Beta' });
    assert.equal(
      (await refused({ tenant: 'beta', domain: 'acme.example' }, 'tenant', 'domain add')).error,
      'domain_taken',
    );
  });

  it('links a user of the connection’s tenant only, once', { timeout: 30_000 }, async () => {
    await run(sesame, 'user', 'add', {
      email: 'anna@acme.example',
      tenant: 'acme',
      'generate-password': true,
    });
    await run(sesame, 'user', 'add', { email: 'bo@beta.example', tenant: 'beta', 'generate-password': true });
    const linked = await run(sesame, 'user', 'link', {
      email: 'anna@acme.example',
      connection: 'acme-entra',
      subject: 'OID-1',
    });
    assert.equal(linked.connection, 'acme-entra');
    await assert.rejects(
      run(sesame, 'user', 'link', { email: 'anna@acme.example', connection: 'acme-entra', subject: 'OID-1' }),
    );
    await assert.rejects(
      run(sesame, 'user', 'link', { email: 'bo@beta.example', connection: 'acme-entra', subject: 'OID-2' }),
    );
    assert.equal((await run(sesame, 'user', 'show', { email: 'anna@acme.example' })).tenant, 'acme');
  });

  it('parses two-word verbs from the command line', async () => {
    await assert.rejects(
      runCommand(['tenant', 'domain', 'add', '--tenant'], { SESAME_USE_AWS: 'true' }),
      (err: Error) => /argument missing|--tenant/.test(err.message),
    );
    await assert.rejects(runCommand(['tenant', 'domain', 'frob'], { SESAME_USE_AWS: 'true' }), {
      name: 'UsageError',
    });
  });
});
