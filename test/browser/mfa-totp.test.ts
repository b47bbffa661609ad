import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DemoApp } from '../../functions/local/demo-app.ts';
import { type BrowserRig, startBrowserRig } from '../support/browser-rig.ts';
import { totpNow } from '../support/mfa.ts';
import { addUser, PASSWORD } from '../support/rp.ts';
import type { RunningSesame } from '../support/sesame.ts';

describe('enrolling an authenticator app with a real browser', () => {
  let sesame: RunningSesame;
  let demo: DemoApp;
  let chromium: BrowserRig['chromium'];
  let rig: BrowserRig | undefined;

  before(async () => {
    rig = await startBrowserRig({ clientId: 'mfa-browser', requireMfa: true });
    ({ sesame, demo, chromium } = rig);
    await addUser(sesame, 'totp-browser@example.com', { name: 'Tove' });
  });
  after(() => rig?.close());

  async function signInWithPassword(page: import('playwright-core').Page) {
    await page.goto(`${demo.url}/login`);
    await page.getByLabel('E-mail address').fill('totp-browser@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.keyboard.press('Enter');
  }

  it('shows a QR code and the key, enrols with a code from that key, then signs in with a new code', async () => {
    const context = await chromium.browser.newContext();
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/.test(m.text())) blocked.push(m.text());
    });
    await signInWithPassword(page);
    await page.waitForSelector('#totp-secret');
    assert.equal(await page.title(), 'Set up two-step verification · Sesame');
    const qrLoaded = await page.$eval(
      '.qr img',
      (img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0,
    );
    assert.ok(qrLoaded, 'the QR image renders under the CSP');
    const secret = ((await page.textContent('#totp-secret')) ?? '').trim();
    await page.getByLabel('The 6-digit code the app shows').fill(await totpNow(sesame, secret));
    await page.keyboard.press('Enter');
    await page.waitForSelector('#recovery-codes');
    assert.equal(await page.locator('#recovery-codes li').count(), 10);
    await page.click('button[type="submit"]');
    await page.waitForSelector('#name');
    assert.equal(await page.textContent('#name'), 'Tove');
    assert.deepEqual(blocked, []);
    await context.close();

    // A new browser (no session): password, then a code from the enrolled authenticator.
    sesame.clock.advance(30_000);
    const fresh = await chromium.browser.newContext();
    const again = await fresh.newPage();
    await signInWithPassword(again);
    await again.getByLabel('Code from your authenticator app').fill(await totpNow(sesame, secret));
    await again.keyboard.press('Enter');
    await again.waitForSelector('#name');
    assert.equal(await again.textContent('#name'), 'Tove');
    await fresh.close();
  });

  it('adds an authenticator on the account page, which then asks for it', async () => {
    await addUser(sesame, 'account-browser@example.com', { name: 'Ada' });
    const context = await chromium.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${sesame.issuer}/account`);
    await page.getByLabel('E-mail address').fill('account-browser@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#totp-status');
    assert.equal(await page.title(), 'Your account · Sesame');
    assert.equal((await page.textContent('#totp-status'))?.trim(), 'Not set up.');
    await page.click('#add-totp');
    const secret = ((await page.textContent('#totp-secret')) ?? '').trim();
    await page.getByLabel('The 6-digit code the app shows').fill(await totpNow(sesame, secret));
    await page.keyboard.press('Enter');
    await page.waitForSelector('#recovery-codes');
    sesame.clock.advance(30_000);
    await page.click('button[type="submit"]');
    // The session was password-only; the account page now wants the new factor.
    await page.getByLabel('Code from your authenticator app').fill(await totpNow(sesame, secret));
    await page.keyboard.press('Enter');
    await page.waitForSelector('#totp-status');
    assert.equal((await page.textContent('#totp-status'))?.trim(), 'Set up.');
    await context.close();
  });
});
