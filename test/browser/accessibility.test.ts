import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createUser } from '../../functions/domain/accounts.ts';
import { OPERATOR } from '../../functions/domain/admin/actor.ts';
import { grantAdmin } from '../../functions/domain/admin/delegation.ts';
import { addTenant } from '../../functions/domain/admin/federation.ts';
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
} from '../../functions/domain/credentials/totp/strategy.ts';
import { type BrowserRig, startBrowserRig } from '../support/browser-rig.ts';
import { totpNow } from '../support/mfa.ts';
import { PASSWORD } from '../support/rp.ts';

/**
 * Sesame's pages under axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) in Chromium, at a desktop
 * and a phone size: the sign-in, its errors, the password reset, the second step and its enrolment,
 * the account page and the admin console — and the sign-in once in Dutch. Any violation fails the
 * test and is named.
 */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const SIZES = [
  { width: 1280, height: 800, colorScheme: 'light' },
  { width: 390, height: 844, colorScheme: 'light' },
  // prefers-color-scheme: dark gets its own colours, held to the same contrast rules.
  { width: 1280, height: 800, colorScheme: 'dark' },
] as const;

async function violations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the pages' CSP does not govern.
  await page.evaluate(axeSource);
  const found = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(TAGS)} } }).then((r) => r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`,
  )) as string[];
  return found;
}

describe('accessibility of every page (axe-core, WCAG 2.2 AA)', () => {
  let rig: BrowserRig | undefined;
  let secret = '';

  before(async () => {
    rig = await startBrowserRig({ clientId: 'a11y-app', name: 'Shop', requireMfa: true });
    const deps = rig.sesame.parts.deps;
    await addTenant(deps, OPERATOR, { id: 'acme', name: 'Acme Corp' });
    const ada = await createUser(deps, {
      email: 'ada@acme.example',
      name: 'Ada',
      password: PASSWORD,
      tenantId: 'acme',
    });
    await grantAdmin(deps, OPERATOR, { email: ada.email, level: 'tenant', tenantId: 'acme' });
    ({ secret } = await beginTotpEnrolment(deps, ada, 'test'));
    assert.ok(
      await confirmTotpEnrolment(deps, {
        userId: ada.id,
        owner: 'test',
        code: await totpNow(rig.sesame, secret),
        actor: 'test',
      }),
    );
    await createUser(deps, { email: 'new@example.com', name: 'New', password: PASSWORD });
  });
  after(() => rig?.close());

  it('finds violations where there are some (the check itself works)', { timeout: 60_000 }, async () => {
    assert.ok(rig);
    const context = await rig.chromium.browser.newContext();
    const page = await context.newPage();
    await page.setContent('<html><head><title>x</title></head><body><img src="a.png"><input></body></html>');
    const found = (await violations(page)).map((v) => v.split(':')[0]);
    await context.close();
    for (const rule of ['html-has-lang', 'image-alt', 'label']) assert.ok(found.includes(rule), rule);
  });

  it('reflows the authenticator enrolment page at 320 px: no sideways scrolling (WCAG 1.4.10)', {
    timeout: 60_000,
  }, async () => {
    assert.ok(rig);
    const { demo, chromium } = rig;
    const context = await chromium.browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    const email = 'narrow@example.com';
    await createUser(rig.sesame.parts.deps, { email, name: 'Narrow', password: PASSWORD });
    await page.goto(`${demo.url}/login`);
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#totp-secret');
    const width = await page.evaluate('document.documentElement.scrollWidth');
    assert.ok(Number(width) <= 320, `the page is ${width} px wide`);
    assert.deepEqual(await violations(page), []);
    await context.close();
  });

  it('has no violations on the Dutch sign-in page and its error (a browser asking for nl-NL)', {
    timeout: 60_000,
  }, async () => {
    assert.ok(rig);
    const context = await rig.chromium.browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: 'nl-NL',
    });
    const page = await context.newPage();
    await page.goto(`${rig.demo.url}/login`);
    await page.waitForSelector('#email');
    assert.equal(await page.getAttribute('html', 'lang'), 'nl');
    const found: Record<string, string[]> = { login: await violations(page) };
    await page.getByLabel('E-mailadres').fill('ada@acme.example');
    await page.getByLabel('Wachtwoord', { exact: true }).fill('verkeerd wachtwoord hier');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#form-error');
    assert.match(await page.title(), /^Fout: /);
    assert.ok(await page.getByRole('button', { name: 'Wachtwoord tonen' }).isVisible());
    found['login error'] = await violations(page);
    await context.close();
    const failing = Object.fromEntries(Object.entries(found).filter(([, v]) => v.length > 0));
    assert.deepEqual(failing, {}, JSON.stringify(failing, null, 2));
  });

  for (const size of SIZES) {
    it(`has no violations at ${size.width}×${size.height} (${size.colorScheme})`, {
      timeout: 120_000,
    }, async () => {
      assert.ok(rig);
      const { sesame, demo, chromium } = rig;
      const { colorScheme, ...viewport } = size;
      const context = await chromium.browser.newContext({ viewport, colorScheme });
      const page = await context.newPage();
      const found: Record<string, string[]> = {};
      const check = async (name: string) => {
        const v = await violations(page);
        if (v.length) found[name] = v;
      };

      await page.goto(`${demo.url}/login`);
      await page.waitForSelector('#email');
      await check('login');
      await page.getByLabel('E-mail address').fill('ada@acme.example');
      await page.getByLabel('Password', { exact: true }).fill('wrong password here');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#form-error');
      await check('login error');
      await page.click('#forgot-password');
      await page.waitForSelector('#send-reset-code');
      await check('forgot password');
      await page.getByLabel('E-mail address').fill('ada@acme.example');
      await page.click('#send-reset-code');
      await page.waitForSelector('#reset-code');
      await check('reset code');

      await page.goto(`${demo.url}/login`);
      await page.getByLabel('E-mail address').fill('new@example.com');
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.keyboard.press('Enter');
      await page.waitForSelector('#totp-secret');
      await check('authenticator enrolment');

      const admin = await context.browser()?.newContext({ viewport, colorScheme });
      assert.ok(admin);
      const console = await admin.newPage();
      await console.goto(`${sesame.issuer}/admin`);
      await console.getByLabel('E-mail address').fill('ada@acme.example');
      await console.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await console.keyboard.press('Enter');
      await console.waitForSelector('#totp-code, input[name=code]');
      found['second step'] = await violations(console);
      sesame.clock.advance(30_000);
      await console.getByLabel('Code from your authenticator app').fill(await totpNow(sesame, secret));
      await console.keyboard.press('Enter');
      await console.waitForSelector('#users');
      found['console users'] = await violations(console);
      await console.goto(`${sesame.issuer}/admin/invitations`);
      found['console invitations'] = await violations(console);
      await console.goto(`${sesame.issuer}/admin/tenant`);
      found['console tenant'] = await violations(console);
      await console.goto(`${sesame.issuer}/admin/audit`);
      found['console audit'] = await violations(console);
      await console.goto(`${sesame.issuer}/account`);
      await console.waitForSelector('#factors');
      found.account = await violations(console);
      await admin.close();
      await context.close();

      const failing = Object.fromEntries(Object.entries(found).filter(([, v]) => v.length > 0));
      assert.deepEqual(failing, {}, JSON.stringify(failing, null, 2));
    });
  }
});
