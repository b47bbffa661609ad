import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DemoApp } from '../../functions/local/demo-app.ts';
import { type BrowserRig, startBrowserRig } from '../support/browser-rig.ts';
import { addUser, PASSWORD } from '../support/rp.ts';
import type { RunningSesame } from '../support/sesame.ts';

describe('signing in with a real browser', () => {
  let sesame: RunningSesame;
  let demo: DemoApp;
  let chromium: BrowserRig['chromium'];
  let rig: BrowserRig | undefined;

  before(async () => {
    rig = await startBrowserRig({ clientId: 'browser-app', roles: ['reader'] });
    ({ sesame, demo, chromium } = rig);
    await addUser(sesame, 'browser@example.com', {
      name: 'Brigitte <b>Browser</b>',
      roles: [['browser-app', 'reader']],
    });
  });
  after(() => rig?.close());

  it('shows the password on request (a script of its own, allowed by the CSP)', async () => {
    const page = await chromium.browser.newPage();
    const blocked: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/.test(m.text())) blocked.push(m.text());
    });
    await page.goto(`${demo.url}/login`);
    await page.waitForSelector('input[name="password"]');
    const toggle = page.getByRole('button', { name: 'Show password' });
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    await page.getByLabel('Password', { exact: true }).fill('visible secret');
    await toggle.click();
    assert.equal(await page.getAttribute('input[name="password"]', 'type'), 'text');
    assert.equal(
      await page.getByRole('button', { name: 'Hide password' }).getAttribute('aria-pressed'),
      'true',
    );
    await page.getByRole('button', { name: 'Hide password' }).click();
    assert.equal(await page.getAttribute('input[name="password"]', 'type'), 'password');
    assert.deepEqual(blocked, []);
    await page.close();
  });

  it('signs in through the real login page and the app shows the user name and roles', async () => {
    const page = await chromium.browser.newPage();
    const blockedScripts: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/.test(m.text())) blockedScripts.push(m.text());
    });
    await page.goto(demo.url);
    await page.click('#login');
    await page.waitForSelector('input[name="email"]');
    assert.equal(await page.title(), 'Sign in · Sesame');
    // Keyboard-only, through the labels, as an accessibility smoke test.
    await page.getByLabel('E-mail address').fill('browser@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#name');
    assert.equal(
      await page.textContent('#name'),
      'Brigitte <b>Browser</b>',
      'the name is shown as text, not markup',
    );
    assert.equal(await page.textContent('#roles'), 'reader');
    assert.deepEqual(blockedScripts, []);
    await page.close();
  });

  it('shows the generic error on a wrong password and stays on the login page', async () => {
    const page = await chromium.browser.newPage();
    await page.goto(`${demo.url}/login`);
    await page.getByLabel('E-mail address').fill('browser@example.com');
    await page.getByLabel('Password').fill('not my password at all');
    await page.click('button[type="submit"]');
    const alert = await page.waitForSelector('[role="alert"]');
    assert.match((await alert.textContent()) ?? '', /incorrect/);
    await page.close();
  });
});
