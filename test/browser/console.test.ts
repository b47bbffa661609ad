import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createUser } from '../../functions/domain/accounts.ts';
import { OPERATOR } from '../../functions/domain/admin/actor.ts';
import { entitleTenant, grantAdmin, updateTenant } from '../../functions/domain/admin/delegation.ts';
import { addTenant } from '../../functions/domain/admin/federation.ts';
import { appLogo } from '../../functions/domain/branding.ts';
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
} from '../../functions/domain/credentials/totp/strategy.ts';
import { type BrowserRig, startBrowserRig } from '../support/browser-rig.ts';
import { totpNow } from '../support/mfa.ts';
import { PASSWORD } from '../support/rp.ts';

const NEW_PASSWORD = 'a brand new and long passphrase';

describe('the admin console in a real browser', () => {
  let rig: BrowserRig | undefined;
  let secret = '';

  before(async () => {
    rig = await startBrowserRig(
      { clientId: 'shop', name: 'Shop', roles: ['clerk', 'manager', 'owner'] },
      { initiateLogin: true },
    );
    const deps = rig.sesame.parts.deps;
    await addTenant(deps, OPERATOR, { id: 'acme', name: 'Acme Corp' });
    await entitleTenant(deps, OPERATOR, { tenantId: 'acme', clientId: 'shop', roles: ['clerk', 'manager'] });
    const ada = await createUser(deps, {
      email: 'ada@acme.example',
      name: 'Ada',
      password: PASSWORD,
      tenantId: 'acme',
    });
    await grantAdmin(deps, OPERATOR, { email: ada.email, level: 'tenant', tenantId: 'acme' });
    ({ secret } = await beginTotpEnrolment(deps, ada, 'test'));
    const code = await totpNow(rig.sesame, secret);
    assert.ok(await confirmTotpEnrolment(deps, { userId: ada.id, owner: 'test', code, actor: 'test' }));
    rig.sesame.clock.advance(30_000);
  });
  after(() => rig?.close());

  /** Fails the test on any Content-Security-Policy violation the page reports. */
  function watchCsp(page: Page): string[] {
    const blocked: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/.test(m.text())) blocked.push(m.text());
    });
    return blocked;
  }

  it('a tenant admin signs in with MFA, invites a user, who accepts and lands in the app with the role; the audit log shows it', {
    timeout: 90_000,
  }, async () => {
    assert.ok(rig);
    const { sesame, demo, chromium } = rig;
    const admin = await chromium.browser.newContext();
    const page = await admin.newPage();
    const blocked = watchCsp(page);
    await page.goto(`${sesame.issuer}/admin`);
    await page.getByLabel('E-mail address').fill('ada@acme.example');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByLabel('Code from your authenticator app').fill(await totpNow(sesame, secret));
    await page.keyboard.press('Enter');
    await page.waitForSelector('#users');
    assert.equal(await page.title(), 'Users · Sesame');
    assert.equal(await page.textContent('#tenant-name'), 'Acme Corp');
    assert.match((await page.textContent('#users')) ?? '', /ada@acme\.example/);

    await page.getByRole('link', { name: 'Invitations' }).click();
    await page.getByLabel('E-mail address to invite').fill('ivy@acme.example');
    await page.getByLabel('App').selectOption('shop');
    await page.getByLabel('clerk').check();
    assert.equal(
      await page.getByLabel('owner').count(),
      0,
      'only roles the tenant is entitled to are offered',
    );
    const since = sesame.mail.messages.length;
    await page.click('#send-invitation');
    await page.waitForSelector('#console-notice');
    assert.match((await page.textContent('#invitations')) ?? '', /ivy@acme\.example/);

    const mail = await sesame.mail.next('ivy@acme.example', since);
    const link = /(http:\/\/\S+\/invitation\/[\w.-]+)/.exec(mail.text)?.[1];
    assert.ok(link);
    const invitee = await chromium.browser.newContext();
    const ivy = await invitee.newPage();
    await ivy.goto(link);
    await ivy.getByLabel('Your name').fill('Ivy');
    await ivy.getByLabel('Choose a password').fill(NEW_PASSWORD);
    await ivy.getByLabel('The same password again').fill(NEW_PASSWORD);
    await ivy.getByRole('button', { name: 'Create account and accept' }).click();
    await ivy.waitForURL(`${demo.url}/**`);
    await ivy.waitForSelector('#roles');
    assert.equal(await ivy.textContent('#roles'), 'clerk');
    await invitee.close();

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.waitForSelector('#audit');
    const log = (await page.textContent('#audit')) ?? '';
    assert.match(log, /invitation\.accepted/);
    assert.match(log, /invitation\.created/);
    assert.deepEqual(blocked, []);
    await admin.close();
  });

  it('shows a tenant admin only their tenant, and refuses a form without the CSRF token', {
    timeout: 60_000,
  }, async () => {
    assert.ok(rig);
    const { sesame, chromium } = rig;
    await addTenant(sesame.parts.deps, OPERATOR, { id: 'beta', name: 'Beta' });
    const bea = await createUser(sesame.parts.deps, {
      email: 'bea@beta.example',
      name: 'Bea',
      password: PASSWORD,
      tenantId: 'beta',
    });
    sesame.clock.advance(30_000);
    const context = await chromium.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${sesame.issuer}/admin/users?tenant=beta`);
    await page.getByLabel('E-mail address').fill('ada@acme.example');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByLabel('Code from your authenticator app').fill(await totpNow(sesame, secret));
    await page.keyboard.press('Enter');
    await page.waitForSelector('#users');
    await page.goto(`${sesame.issuer}/admin/users?tenant=beta`);
    assert.equal(await page.textContent('#tenant-name'), 'Acme Corp', 'the tenant asked for is ignored');
    assert.doesNotMatch((await page.textContent('#users')) ?? '', /bea@beta/);
    const other = await page.goto(`${sesame.issuer}/admin/users/${bea.id}`);
    assert.equal(other?.status(), 404);
    const forged = await page.request.post(`${sesame.issuer}/admin/users/${bea.id}/disable`, {
      form: { csrf: 'forged' },
    });
    assert.equal(forged.status(), 403);
    assert.equal((await sesame.parts.deps.users.findById(bea.id))?.disabled, false);
    await context.close();
  });

  it('keeps a tenant’s logo image when its branding is saved in the console, and removes it when asked', {
    timeout: 60_000,
  }, async () => {
    assert.ok(rig);
    const { sesame, chromium } = rig;
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(20_000, 7)]);
    await updateTenant(sesame.parts.deps, OPERATOR, { id: 'acme', logoUrl: appLogo(png) });
    sesame.clock.advance(30_000);
    const context = await chromium.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${sesame.issuer}/admin/tenant`);
    await page.getByLabel('E-mail address').fill('ada@acme.example');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByLabel('Code from your authenticator app').fill(await totpNow(sesame, secret));
    await page.keyboard.press('Enter');
    await page.waitForSelector('#users');
    await page.goto(`${sesame.issuer}/admin/tenant`);
    await page.waitForSelector('#save-branding');
    assert.equal(await page.inputValue('#logo-url'), '', 'the image is not put in the form');
    await page.getByLabel('Display name').fill('ACME Corp Portal');
    await page.click('#save-branding');
    await page.waitForSelector('#save-branding');
    let tenant = await sesame.parts.deps.tenants.get('acme');
    assert.equal(tenant?.branding?.displayName, 'ACME Corp Portal');
    assert.equal(
      tenant?.branding?.logoUrl,
      appLogo(png),
      'the 27 KB image survived a form of 16 KiB at most',
    );
    await page.check('#remove-logo');
    await page.click('#save-branding');
    await page.waitForSelector('#save-branding');
    tenant = await sesame.parts.deps.tenants.get('acme');
    assert.equal(tenant?.branding?.logoUrl, undefined);
    assert.equal(tenant?.branding?.displayName, 'ACME Corp Portal');
    await context.close();
  });
});
