import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OPERATOR } from '../../functions/domain/admin/actor.ts';
import { addConnection, addTenant, mapConnectionRole } from '../../functions/domain/admin/federation.ts';
import { type EntraMock, startEntraMock } from '../../functions/local/mock-upstreams.ts';
import { type BrowserRig, startBrowserRig } from '../support/browser-rig.ts';

const TID = '7e7e7e7e-1111-2222-3333-444444444444';

describe('signing in through an Entra-like upstream with a real browser', () => {
  let rig: BrowserRig | undefined;
  let entra: EntraMock | undefined;

  before(async () => {
    rig = await startBrowserRig({ clientId: 'fed-browser', roles: ['viewer', 'editor'] });
    entra = await startEntraMock({ tenants: [TID] });
    const deps = rig.sesame.parts.deps;
    entra.registerClient({
      client_id: 'sesame',
      client_secret: 'upstream-secret',
      redirect_uris: [`${rig.sesame.issuer}/federation/contoso/callback`],
      token_endpoint_auth_method: 'client_secret_post',
    });
    await addTenant(deps, OPERATOR, { id: 'contoso', name: 'Contoso' });
    await addConnection(deps, OPERATOR, {
      id: 'contoso',
      tenantId: 'contoso',
      type: 'entra',
      entraTenantId: TID,
      authority: entra.origin,
      clientId: 'sesame',
      clientSecret: 'upstream-secret',
      displayName: 'Contoso',
      button: true,
    });
    await mapConnectionRole(deps, OPERATOR, {
      id: 'contoso',
      mapping: { claim: 'roles', value: 'Editors', clientId: 'fed-browser', role: 'editor' },
    });
  });
  after(async () => {
    await entra?.close();
    await rig?.close();
  });

  it('demo app → Sesame → upstream → Sesame → demo app with the mapped role', {
    timeout: 60_000,
  }, async () => {
    assert.ok(rig && entra);
    entra.signInAs({
      preferred_username: 'ivy@contoso.example',
      email: 'ivy@contoso.example',
      name: 'Ivy',
      roles: ['Editors'],
    });
    const context = await rig.chromium.browser.newContext();
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/.test(m.text())) blocked.push(m.text());
    });
    await page.goto(`${rig.demo.url}/login`);
    await page.getByRole('button', { name: 'Sign in with Contoso' }).click();
    await page.waitForSelector('#roles');
    assert.equal(await page.textContent('#name'), 'Ivy');
    assert.equal(await page.textContent('#roles'), 'editor');
    const claims = JSON.parse((await page.textContent('#claims')) ?? '{}') as Record<string, unknown>;
    assert.equal(claims.acr, 'urn:sesame:acr:fed');
    assert.deepEqual(blocked, []);
    await context.close();
  });
});
