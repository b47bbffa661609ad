import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as oidc from 'openid-client';
import { createUser } from '../../functions/domain/accounts.ts';
import { OPERATOR } from '../../functions/domain/admin/actor.ts';
import { updateTenant } from '../../functions/domain/admin/delegation.ts';
import { addTenant } from '../../functions/domain/admin/federation.ts';
import { FormClient } from '../support/browserless.ts';
import { addUser, PASSWORD, relyingParty, startLogin, submitLogin } from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

describe('tenant branding on the pages of its users', () => {
  let sesame: RunningSesame;
  let app: oidc.Configuration;

  before(async () => {
    sesame = await startSesame();
    ({ config: app } = await relyingParty(sesame, { clientId: 'mfa-app', requireMfa: true }));
    const deps = sesame.parts.deps;
    await addTenant(deps, OPERATOR, { id: 'acme', name: 'Acme Corp' });
    await updateTenant(deps, OPERATOR, {
      id: 'acme',
      displayName: 'ACME Portal',
      logoUrl: 'https://cdn.acme.example/logo.png',
      accent: '#0055aa',
    });
    await createUser(deps, {
      email: 'tess@acme.example',
      name: 'Tess',
      password: PASSWORD,
      tenantId: 'acme',
    });
    await addUser(sesame, 'dora@example.com');
  });
  after(() => sesame.close());

  it('shows the tenant’s name, logo and accent once the user is known, allowing only the logo’s origin', {
    timeout: 30_000,
  }, async () => {
    const mfa = await submitLogin(await startLogin(app), 'tess@acme.example', PASSWORD);
    assert.match(mfa.url, /\/mfa$/);
    assert.match(
      mfa.html,
      /<p class="brand" id="brand"><img src="https:\/\/cdn\.acme\.example\/logo\.png" alt="" class="logo"> ACME Portal<\/p>/,
    );
    assert.match(mfa.html, /\/static\/brand\/acme\.css\?v=0055aa/);
    const csp = mfa.headers.get('content-security-policy') ?? '';
    assert.match(csp, /img-src 'self' data: https:\/\/cdn\.acme\.example;/);
    assert.doesNotMatch(csp, /script-src[^;]*cdn/);
    const css = await new FormClient().request(`${sesame.issuer}/static/brand/acme.css`);
    assert.equal(css.status, 200);
    assert.match(await css.text(), /background:#0055aa;color:#ffffff/);

    const other = await submitLogin(await startLogin(app), 'dora@example.com', PASSWORD);
    assert.match(other.url, /\/mfa$/);
    assert.match(other.html, /<p class="brand">Sesame<\/p>/);
    assert.match(other.headers.get('content-security-policy') ?? '', /img-src 'self' data:;/);
    const login = await startLogin(app);
    assert.doesNotMatch(login.page.html, /ACME/, 'the sign-in page knows nobody yet');
  });
});
