import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type * as oidc from 'openid-client';
import { allowInsecureRequests, discovery } from 'openid-client';
import { COMMANDS } from '../../functions/cli/commands.ts';
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

  it('shows an app’s own logo and accent on its login page, set by the CLI from an image file, within the CSP', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sesame-logo-'));
    try {
      const png = join(dir, 'logo.png');
      writeFileSync(png, Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(100, 7)]));
      const svg = join(dir, 'logo.png.svg');
      writeFileSync(svg, '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');
      await relyingParty(sesame, { clientId: 'shop', name: 'The Shop' });
      const update = COMMANDS.find((c) => c.noun === 'client' && c.verb === 'update');
      assert.ok(update);
      await assert.rejects(
        update.run(sesame.parts, sesame.config, { id: 'shop', logo: svg }),
        /logo_image/,
        'an SVG is refused whatever its name',
      );
      const out = (await update.run(sesame.parts, sesame.config, {
        id: 'shop',
        logo: png,
        color: '#AA3300',
      })) as Record<string, unknown>;
      assert.equal(out.logo, 'set');
      assert.equal(out.color, '#aa3300');

      const { config } = await relyingParty(sesame, { clientId: 'shop-login-probe' });
      assert.doesNotMatch(
        (await startLogin(config)).page.html,
        /data:image/,
        'another app keeps Sesame’s look',
      );
      const shop = await relyingPartyFor(sesame, 'shop');
      const login = (await startLogin(shop)).page;
      assert.match(
        login.html,
        /<p class="brand" id="brand"><img src="data:image\/png;base64,iVBORw0KGgo[\w+/=]+" alt="" class="logo"> The Shop<\/p>/,
      );
      assert.match(login.html, /\/static\/brand\/app\/shop\.css\?v=aa3300/);
      assert.match(
        login.headers.get('content-security-policy') ?? '',
        /img-src 'self' data:;/,
        'no origin added',
      );
      const css = await new FormClient().request(`${sesame.issuer}/static/brand/app/shop.css`);
      assert.match(await css.text(), /background:#aa3300;color:#ffffff/);

      await update.run(sesame.parts, sesame.config, { id: 'shop', logo: 'none', color: 'none' });
      assert.match((await startLogin(shop)).page.html, /<p class="brand">Sesame<\/p>/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps a tenant’s logo given as a file with the tenant: shown as a data: URL, nothing fetched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sesame-tenant-logo-'));
    try {
      const gif = join(dir, 'logo.gif');
      writeFileSync(gif, Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'));
      const update = COMMANDS.find((c) => c.noun === 'tenant' && c.verb === 'update');
      assert.ok(update);
      // A tenant nobody has signed in to yet (tenant settings are cached for 30 s).
      await addTenant(sesame.parts.deps, OPERATOR, { id: 'globex', name: 'Globex' });
      await createUser(sesame.parts.deps, {
        email: 'gus@globex.example',
        name: 'Gus',
        password: PASSWORD,
        tenantId: 'globex',
      });
      await update.run(sesame.parts, sesame.config, { id: 'globex', logo: gif });
      const mfa = await submitLogin(await startLogin(app), 'gus@globex.example', PASSWORD);
      assert.match(
        mfa.html,
        /<img src="data:image\/gif;base64,R0lGODlh[\w+/=]*" alt="" class="logo"> Globex/,
      );
      assert.match(
        mfa.headers.get('content-security-policy') ?? '',
        /img-src 'self' data:;/,
        'no origin added',
      );
      await assert.rejects(
        update.run(sesame.parts, sesame.config, {
          id: 'globex',
          'logo-url': 'data:text/html;base64,PHNjcmlwdD4=',
        }),
        /logo_image/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** An openid-client configuration for an app registered earlier (its secret is not needed to start a sign-in). */
async function relyingPartyFor(sesame: RunningSesame, clientId: string): Promise<oidc.Configuration> {
  return discovery(new URL(sesame.issuer), clientId, 'unused', undefined, {
    execute: [allowInsecureRequests],
  });
}
