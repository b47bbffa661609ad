import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as oidc from 'openid-client';
import { OPERATOR } from '../../functions/domain/admin/actor.ts';
import { addTenant } from '../../functions/domain/admin/federation.ts';
import { adminResource } from '../../functions/oidc/admin-resource.ts';
import { adminToken, automationClient } from '../support/admin.ts';
import { type DnsServer, startDnsServer } from '../support/dns.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

/** Proving an e-mail domain by its DNS TXT record, against a real DNS server on 127.0.0.1. */
describe('proving a tenant’s e-mail domain through the DNS', () => {
  let dns: DnsServer;
  let sesame: RunningSesame;
  let acme: oidc.Configuration;
  let beta: oidc.Configuration;

  before(async () => {
    dns = await startDnsServer();
    sesame = await startSesame({}, undefined, { dnsServers: [dns.address] });
    const deps = sesame.parts.deps;
    await addTenant(deps, OPERATOR, { id: 'acme', name: 'Acme' });
    await addTenant(deps, OPERATOR, { id: 'beta', name: 'Beta' });
    acme = await automationClient(sesame, 'ops-acme', 'tenant:acme');
    beta = await automationClient(sesame, 'ops-beta', 'tenant:beta');
  });
  after(async () => {
    await sesame?.close();
    await dns?.close();
  });

  async function call(config: oidc.Configuration, method: string, path: string, body?: unknown) {
    const resource = adminResource(sesame.issuer);
    const access_token = await adminToken(sesame, config);
    const res = await fetch(`${resource}${path}`, {
      method,
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    type Answer = {
      type?: string;
      title?: string;
      verified?: boolean;
      dnsTxt?: { name: string; value: string };
    };
    return { status: res.status, json: (await res.json()) as Answer };
  }

  it('proves the domain once its TXT record carries the tenant’s value, and keeps it the tenant’s', {
    timeout: 30_000,
  }, async () => {
    // A squatter's unproved claim reserves nothing.
    assert.equal((await call(beta, 'POST', '/tenants/beta/domains', { domain: 'acme.example' })).status, 201);
    const claimed = await call(acme, 'POST', '/tenants/acme/domains', { domain: 'acme.example' });
    assert.equal(claimed.status, 201);
    const { name, value } = claimed.json.dnsTxt ?? { name: '', value: '' };
    assert.equal(name, '_sesame-verification.acme.example');
    assert.match(value, /^sesame-verification=[\w-]{32}$/);

    const early = await call(acme, 'POST', '/tenants/acme/domains/acme.example/verify');
    assert.equal(early.status, 400, 'no record yet');
    assert.equal(early.json.type, 'urn:sesame:problem:invalid_setting');
    dns.txt.set(name, ['v=spf1 -all', 'sesame-verification=somebody-elses-token']);
    assert.equal((await call(acme, 'POST', '/tenants/acme/domains/acme.example/verify')).status, 400);

    dns.failing = true;
    const down = await call(acme, 'POST', '/tenants/acme/domains/acme.example/verify');
    assert.equal(down.status, 400);
    assert.match(down.json.title ?? '', /could not be asked/);
    dns.failing = false;

    dns.txt.set(name, ['v=spf1 -all', value]);
    const proved = await call(acme, 'POST', '/tenants/acme/domains/acme.example/verify');
    assert.equal(proved.status, 200, JSON.stringify(proved.json));
    assert.equal(proved.json.verified, true);
    assert.equal((await sesame.parts.deps.tenants.getDomain('acme.example'))?.verified, true);

    // Proved, it is Acme's alone; beta can neither claim it nor check it.
    assert.equal((await call(beta, 'POST', '/tenants/beta/domains', { domain: 'acme.example' })).status, 409);
    assert.equal((await call(beta, 'POST', '/tenants/beta/domains/acme.example/verify')).status, 404);
    assert.equal((await call(acme, 'POST', '/tenants/beta/domains/acme.example/verify')).status, 403);
    const events = (
      await sesame.parts.deps.auditLog.query({ from: 0, to: Date.now() + 1e10, limit: 50, tenant: 'acme' })
    ).events;
    assert.ok(events.some((e) => e.type === 'tenant.domain_verified'));
    assert.equal(events.filter((e) => e.type === 'tenant.domain_unproved').length, 2);
  });
});
