import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createUser } from '../../functions/domain/accounts.ts';
import { registerClient } from '../../functions/domain/clients.ts';
import { setEmailCodes } from '../../functions/domain/credentials/email-code/strategy.ts';
import { regenerateRecoveryCodes } from '../../functions/domain/credentials/recovery-codes/strategy.ts';
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
} from '../../functions/domain/credentials/totp/strategy.ts';
import { type BrowserRig, startBrowserRig } from '../support/browser-rig.ts';
import { totpAt, totpNow } from '../support/mfa.ts';
import { PASSWORD } from '../support/rp.ts';

/**
 * Every flow completed with the keyboard alone, in Chromium: no click, no mouse — only Tab, typing
 * and Enter, as someone who cannot use a pointer signs in. Where a page opens, the focus must be
 * where the person needs it (the first field, or the field of the error); every other control must
 * be reachable with Tab. Along the way the test takes the README's screenshots (written to
 * docs/screenshots with SESAME_SCREENSHOTS=1, `npm run screenshots`; to a temporary folder otherwise,
 * so taking them cannot rot).
 */
const SHOTS = process.env.SESAME_SCREENSHOTS
  ? resolve(import.meta.dirname, '../../docs/screenshots')
  : join(tmpdir(), 'sesame-screenshots');

async function focused(page: Page): Promise<string> {
  return (await page.evaluate('document.activeElement && document.activeElement.id')) as string;
}

/** Presses Tab until the element matching `selector` has the focus (fails after `max` presses). */
async function tabTo(page: Page, selector: string, max = 25): Promise<void> {
  for (let i = 0; i < max; i++) {
    const there = await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)})`);
    if (there) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`${selector} is not reachable with Tab`);
}

async function settled(page: Page, selector: string): Promise<void> {
  await page.waitForSelector(selector);
  await page.waitForLoadState('load');
}

describe('keyboard only: every flow completes with Tab, typing and Enter', () => {
  let rig: BrowserRig | undefined;

  before(async () => {
    rig = await startBrowserRig({ clientId: 'keys-app', name: 'Keyboard Shop', requireMfa: true });
    mkdirSync(SHOTS, { recursive: true });
  });
  after(() => rig?.close());

  async function newPage(): Promise<Page> {
    assert.ok(rig);
    const context = await rig.chromium.browser.newContext({
      viewport: { width: 1000, height: 760 },
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    return context.newPage();
  }

  it('signs in after a wrong password (the focus goes to the password) and enrols an authenticator', {
    timeout: 60_000,
  }, async () => {
    assert.ok(rig);
    const { sesame, demo } = rig;
    await createUser(sesame.parts.deps, { email: 'keys@example.com', name: 'Kim', password: PASSWORD });
    const page = await newPage();
    await page.goto(`${demo.url}/login`);
    await settled(page, '#email');
    await page.screenshot({ path: join(SHOTS, 'sign-in.png') });
    assert.equal(await focused(page), 'email', 'the login page opens on the e-mail field');
    await page.keyboard.type('keys@example.com');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'password');
    await page.keyboard.type('not the password at all');
    await page.keyboard.press('Enter');
    await settled(page, '#form-error');
    assert.equal(await focused(page), 'password', 'after a failed sign-in, the field to fix has the focus');
    assert.equal(await page.getAttribute('#password', 'aria-invalid'), 'true');
    assert.match((await page.getAttribute('#password', 'aria-describedby')) ?? '', /form-error/);
    assert.equal(await page.inputValue('#email'), 'keys@example.com', 'the address is kept');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');

    await settled(page, '#totp-secret');
    await page.screenshot({ path: join(SHOTS, 'authenticator.png'), fullPage: true });
    assert.equal(await focused(page), 'enrol-code');
    const secret = ((await page.textContent('#totp-secret')) ?? '').replace(/\s/g, '');
    await page.keyboard.type(await totpNow(sesame, secret));
    await page.keyboard.press('Enter');
    await page.waitForSelector('.codes');
    // "Copy the codes" (the one script's progressive enhancement) puts every code on the clipboard.
    await tabTo(page, '#recovery-codes-copy');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[role=status]:has-text("copied")');
    const shown = await page.$$eval('#recovery-codes code', (codes) => codes.map((c) => c.textContent));
    const copied = (await page.evaluate('navigator.clipboard.readText()')) as string;
    assert.deepEqual(copied.trim().split('\n'), shown);
    assert.equal(shown.length, 10);
    await tabTo(page, 'form button[type=submit]:not(.link):not(.reveal)');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${demo.url}/`);
    assert.match((await page.textContent('h1')) ?? '', /Signed in as/);
    await page.context().close();
  });

  it('passes the second step with each method: authenticator, e-mailed code, recovery code', {
    timeout: 90_000,
  }, async () => {
    assert.ok(rig);
    const { sesame, demo } = rig;
    const deps = sesame.parts.deps;
    const user = await createUser(deps, { email: 'steps@example.com', name: 'Sam', password: PASSWORD });
    const { secret } = await beginTotpEnrolment(deps, user, 'test');
    assert.ok(
      await confirmTotpEnrolment(deps, {
        userId: user.id,
        owner: 'test',
        code: await totpNow(sesame, secret),
        actor: 'test',
      }),
    );
    await setEmailCodes(deps, { userId: user.id, enabled: true, actor: 'test' });
    const [recovery] = await regenerateRecoveryCodes(deps, { userId: user.id, actor: 'test' });
    assert.ok(recovery);

    const signInToSecondStep = async (): Promise<Page> => {
      const page = await newPage();
      await page.goto(`${demo.url}/login`);
      await settled(page, '#email');
      await page.keyboard.type('steps@example.com');
      await page.keyboard.press('Tab');
      await page.keyboard.type(PASSWORD);
      await page.keyboard.press('Enter');
      await settled(page, '#totp-code');
      return page;
    };
    const signedIn = async (page: Page) => {
      await page.waitForURL(`${demo.url}/`);
      assert.match((await page.textContent('h1')) ?? '', /Signed in as/);
      await page.context().close();
    };

    // The authenticator: the strongest method is offered first, its field focused.
    let page = await signInToSecondStep();
    await page.screenshot({ path: join(SHOTS, 'second-step.png') });
    assert.equal(await focused(page), 'totp-code');
    sesame.clock.advance(30_000);
    await page.keyboard.type(await totpAt(secret, sesame.clock.now().getTime()));
    await page.keyboard.press('Enter');
    await signedIn(page);

    // A code by e-mail: reached with Tab, and the code field has the focus once it is sent.
    page = await signInToSecondStep();
    const mails = sesame.mail.messages.length;
    await tabTo(page, '#send-email-code');
    await page.keyboard.press('Enter');
    await settled(page, '#email-code');
    assert.equal(await focused(page), 'email-code');
    const mail = sesame.mail.messages.slice(mails).find((m) => m.to.includes('steps@example.com'));
    const code = /\b(\d{6})\b/.exec(mail?.text ?? '')?.[1];
    assert.ok(code, 'the code arrived by e-mail');
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');
    await signedIn(page);

    // A recovery code: "Use another method" links are reachable, the recovery field focused.
    page = await signInToSecondStep();
    await tabTo(page, '#use-recovery');
    await page.keyboard.press('Enter');
    await settled(page, '#recovery-code');
    assert.equal(await focused(page), 'recovery-code');
    await page.keyboard.type(recovery);
    await page.keyboard.press('Enter');
    await signedIn(page);
  });

  it('resets a forgotten password', { timeout: 60_000 }, async () => {
    assert.ok(rig);
    const { sesame, demo } = rig;
    await createUser(sesame.parts.deps, { email: 'forgot@example.com', name: 'Fay', password: PASSWORD });
    const page = await newPage();
    await page.goto(`${demo.url}/login`);
    await settled(page, '#email');
    await tabTo(page, '#forgot-password');
    await page.keyboard.press('Enter');
    await settled(page, '#send-reset-code');
    assert.equal(await focused(page), 'email');
    const mails = sesame.mail.messages.length;
    await page.keyboard.type('forgot@example.com');
    await page.keyboard.press('Enter');
    await settled(page, '#reset-code');
    assert.equal(await focused(page), 'reset-code');
    const mail = sesame.mail.messages.slice(mails).find((m) => m.to.includes('forgot@example.com'));
    const code = /\b(\d{8})\b/.exec(mail?.text ?? '')?.[1];
    assert.ok(code);
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');
    await settled(page, '#new-password');
    assert.equal(await focused(page), 'new-password');
    const next = 'a new keyboard passphrase 7';
    await page.keyboard.type(next);
    await tabTo(page, '#password2');
    await page.keyboard.type(next);
    await page.keyboard.press('Enter');
    // Back at this sign-in's login page, where the new password works (then the enrolment the app wants).
    await settled(page, '#password');
    await tabTo(page, '#password');
    await page.keyboard.type(next);
    await page.keyboard.press('Enter');
    await settled(page, '#totp-secret');
    await page.context().close();
  });

  it('allows a third-party app on the consent page', { timeout: 60_000 }, async () => {
    assert.ok(rig);
    const { sesame, demo } = rig;
    // The demo app's own client made third-party for this test: it now asks for consent.
    const client = await sesame.parts.deps.clients.get('keys-app');
    assert.ok(client);
    const other = await registerClient(
      sesame.parts.deps.clients,
      { clientId: 'keys-third', redirectUris: ['http://127.0.0.1:9/cb'], firstParty: false },
      new Date(),
    );
    assert.ok(other.clientSecret);
    await sesame.parts.deps.clients.put({ ...client, firstParty: false, requireMfa: false });
    try {
      await createUser(sesame.parts.deps, { email: 'consent@example.com', name: 'Cy', password: PASSWORD });
      const page = await newPage();
      await page.goto(`${demo.url}/login`);
      await settled(page, '#email');
      await page.keyboard.type('consent@example.com');
      await page.keyboard.press('Tab');
      await page.keyboard.type(PASSWORD);
      await page.keyboard.press('Enter');
      await settled(page, '#signed-in-as');
      await page.screenshot({ path: join(SHOTS, 'consent.png') });
      await tabTo(page, 'form:not(.alt) button[type=submit]');
      assert.match((await page.evaluate('document.activeElement.textContent')) as string, /Allow/);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${demo.url}/`);
      assert.match((await page.textContent('h1')) ?? '', /Signed in as/);
      await page.context().close();
    } finally {
      await sesame.parts.deps.clients.put(client);
    }
  });

  it('on /account, a refused password change puts the focus on the field to fix', {
    timeout: 60_000,
  }, async () => {
    assert.ok(rig);
    const { sesame } = rig;
    await createUser(sesame.parts.deps, { email: 'acct-keys@example.com', name: 'Al', password: PASSWORD });
    const page = await newPage();
    await page.goto(`${sesame.issuer}/account`);
    await settled(page, '#email');
    await page.keyboard.type('acct-keys@example.com');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await settled(page, '#change-password');
    await tabTo(page, '#current');
    await page.keyboard.type('not my current password');
    await tabTo(page, '#new-password');
    await page.keyboard.type('a perfectly fine new passphrase');
    await tabTo(page, '#confirm');
    await page.keyboard.type('a perfectly fine new passphrase');
    await page.keyboard.press('Enter');
    await settled(page, '#password-problems');
    assert.equal(await focused(page), 'current', 'the wrong current password');
    assert.equal(await page.getAttribute('#current', 'aria-invalid'), 'true');
    await page.keyboard.type(PASSWORD);
    await tabTo(page, '#new-password');
    await page.keyboard.type('short');
    await tabTo(page, '#confirm');
    await page.keyboard.type('short');
    await page.keyboard.press('Enter');
    await settled(page, '#password-problems');
    assert.equal(await focused(page), 'new-password', 'a new password the policy refuses');
    assert.equal(await page.getAttribute('#current', 'aria-invalid'), null);
    await page.context().close();
  });
});
