import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CDPSession, Page } from 'playwright-core';
import {
  beginPasskeyRegistration,
  finishPasskeyRegistration,
} from '../../functions/domain/credentials/passkey/registration.ts';
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
} from '../../functions/domain/credentials/totp/strategy.ts';
import type { DemoApp } from '../../functions/local/demo-app.ts';
import { type BrowserRig, startBrowserRig } from '../support/browser-rig.ts';
import { audits, totpNow } from '../support/mfa.ts';
import { addUser, PASSWORD } from '../support/rp.ts';
import type { RunningSesame } from '../support/sesame.ts';
import { SoftAuthenticator } from '../support/webauthn.ts';

/**
 * Passkeys in a real browser: Chromium's virtual authenticator (CDP `WebAuthn` domain) stands in for
 * the device. Sesame's issuer is http://localhost:<port>, since a WebAuthn RP ID must be a domain.
 */
const PHR = 'urn:sesame:acr:mfa:phr';
const FAILED = 'The passkey could not be checked, or the account is temporarily locked. Try again.';

interface Authenticator {
  cdp: CDPSession;
  id: string;
}
type VirtualCredential = Awaited<ReturnType<typeof credentialsOf>>[number];

async function authenticator(page: Page): Promise<Authenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, id: authenticatorId };
}

/** What the authenticator holds: private keys and signature counters (so a test can copy a key). */
async function credentialsOf(a: Authenticator) {
  return (await a.cdp.send('WebAuthn.getCredentials', { authenticatorId: a.id })).credentials;
}

async function give(a: Authenticator, credentials: VirtualCredential[], signCount?: number) {
  for (const credential of credentials)
    await a.cdp.send('WebAuthn.addCredential', {
      authenticatorId: a.id,
      credential: { ...credential, ...(signCount === undefined ? {} : { signCount }) },
    });
}

/** The answer of `navigator.credentials.get()` for options (JSON), made in the page, as the script sends it. */
const ASSERT_IN_PAGE = `async (o) => {
  const bytes = (t) => Uint8Array.from(atob(t.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (t.length % 4)) % 4)), (c) => c.charCodeAt(0));
  const text = (b) => btoa(String.fromCharCode(...new Uint8Array(b))).replace(/[+]/g, '-').replace(/[/]/g, '_').replace(/=+$/, '');
  const c = await navigator.credentials.get({ publicKey: { ...o, challenge: bytes(o.challenge), allowCredentials: o.allowCredentials.map((a) => ({ ...a, id: bytes(a.id) })) } });
  return JSON.stringify({ id: c.id, rawId: text(c.rawId), type: c.type, clientExtensionResults: {}, response: {
    clientDataJSON: text(c.response.clientDataJSON), authenticatorData: text(c.response.authenticatorData), signature: text(c.response.signature) } });
}`;

/** On the second-step page: asks Sesame for this sign-in's passkey options, as the script would. */
const OPTIONS_IN_PAGE = `async () => {
  const f = document.getElementById('passkey-form');
  const r = await fetch(f.dataset.options, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'csrf=' + encodeURIComponent(f.elements.csrf.value) });
  return r.json();
}`;

/** On the second-step page: posts `answer` as the passkey's answer. */
async function postAnswer(page: Page, answer: string) {
  await page.evaluate(`((answer) => {
    document.getElementById('passkey-response').value = answer;
    document.getElementById('passkey-form').submit();
  })(${JSON.stringify(answer)})`);
}

/** Runs one of the functions above in the page with a JSON argument, awaiting its promise. */
const inPage = (page: Page, fn: string, arg?: unknown) =>
  page.evaluate(`(${fn})(${arg === undefined ? '' : JSON.stringify(arg)})`);

describe('passkeys with a real browser (virtual authenticator)', () => {
  let rig: BrowserRig | undefined;
  let sesame: RunningSesame;
  let demo: DemoApp;
  let chromium: BrowserRig['chromium'];

  before(async () => {
    rig = await startBrowserRig({ clientId: 'passkey-browser' }, { issuerHost: 'localhost' });
    ({ sesame, demo, chromium } = rig);
  });
  after(() => rig?.close());

  async function password(page: Page, email: string) {
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.keyboard.press('Enter');
  }

  async function claimsOf(page: Page): Promise<{ acr?: string; amr?: string[] }> {
    await page.waitForSelector('#claims');
    return JSON.parse((await page.textContent('#claims')) ?? '{}');
  }

  /** A user with a passkey registered through the domain by a software key, and that key as CDP credentials. */
  async function userWithPasskey(email: string) {
    const user = await addUser(sesame, email, { name: email.slice(0, email.indexOf('@')) });
    const soft = new SoftAuthenticator('localhost', new URL(sesame.issuer).origin, { singleDevice: true });
    const options = await beginPasskeyRegistration(sesame.parts.deps, { user, session: 'seed' });
    assert.ok(options);
    const outcome = await finishPasskeyRegistration(sesame.parts.deps, {
      userId: user.id,
      session: 'seed',
      name: 'Seeded key',
      response: JSON.stringify(soft.register(options.challenge)),
    });
    assert.ok(outcome.ok);
    const key: VirtualCredential = {
      credentialId: Buffer.from(soft.id, 'base64url').toString('base64'),
      isResidentCredential: false,
      rpId: 'localhost',
      privateKey: soft.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
      signCount: 0,
    };
    return { user, key };
  }

  /** A fresh browser (no session) holding `keys`, at the second step of a sign-in to the demo app. */
  async function atSecondStep(email: string, keys: VirtualCredential[], query = '') {
    const context = await chromium.browser.newContext();
    const page = await context.newPage();
    const device = await authenticator(page);
    // Not discoverable here: the login page's passkey autofill would sign in before the password.
    await give(
      device,
      keys.map(({ userHandle: _, ...k }) => ({ ...k, isResidentCredential: false })),
    );
    await page.goto(`${demo.url}/login${query}`);
    await password(page, email);
    await page.waitForSelector('#passkey-button');
    return { context, page, device };
  }

  it('adds a passkey on /account, which then asks for it; a new browser signs in with password and passkey, and the ID token says so', async () => {
    const user = await addUser(sesame, 'pia@example.com', { name: 'Pia' });
    const context = await chromium.browser.newContext();
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/.test(m.text())) blocked.push(m.text());
    });
    const device = await authenticator(page);
    await page.goto(`${sesame.issuer}/account`);
    await password(page, 'pia@example.com');
    await page.waitForSelector('#passkey-register', { state: 'visible' });
    assert.equal(await page.isVisible('#passkey-needs-script'), false, 'the script replaced the hint');
    await page.getByLabel('Name for the new passkey (optional)').fill('Work laptop');
    await page.click('#add-passkey');
    // The first factor comes with recovery codes, shown once.
    await page.waitForSelector('#recovery-codes');
    await page.click('button[type="submit"]');
    // The session was password-only; the account page now wants the passkey, offered first.
    await page.click('#passkey-button');
    await page.waitForSelector('#passkeys');
    const listed = (await page.textContent('#passkeys')) ?? '';
    assert.match(listed, /Work laptop/);
    assert.match(listed, /Added .+; last used .+\./);
    assert.doesNotMatch(listed, /last used never/, 'the step-up just used it');
    assert.equal(audits(sesame, 'mfa.passkey.registered', user.id).length, 1);
    assert.ok(
      sesame.mail.messages.some(
        (m) => m.to.includes('pia@example.com') && /A passkey was added/.test(m.text),
      ),
    );
    assert.deepEqual(blocked, []);
    const keys = await credentialsOf(device);
    await context.close();

    const other = await atSecondStep('pia@example.com', keys);
    assert.equal(await other.page.isVisible('#passkey-button'), true, 'offered first');
    await other.page.click('#passkey-button');
    const claims = await claimsOf(other.page);
    assert.equal(claims.acr, PHR);
    assert.deepEqual(claims.amr, ['pwd', 'hwk', 'user', 'mfa']);
    await other.context.close();
  });

  it('steps a session signed in with an authenticator app up to the passkey when an app demands phishing resistance', async () => {
    const { user, key } = await userWithPasskey('tom@example.com');
    const { secret } = await beginTotpEnrolment(sesame.parts.deps, user, 'test');
    const code = await totpNow(sesame, secret);
    await confirmTotpEnrolment(sesame.parts.deps, { userId: user.id, owner: 'test', code, actor: 'test' });
    sesame.clock.advance(30_000);

    const { context, page } = await atSecondStep('tom@example.com', [key]);
    await page.click('#use-totp');
    await page.getByLabel('Code from your authenticator app').fill(await totpNow(sesame, secret));
    await page.keyboard.press('Enter');
    assert.equal((await claimsOf(page)).acr, 'urn:sesame:acr:mfa');

    await page.goto(`${demo.url}/login?acr_values=${encodeURIComponent(PHR)}`);
    await page.waitForSelector('#passkey-button');
    assert.equal(await page.locator('#use-totp').count(), 0, 'an authenticator code is not enough here');
    await page.click('#passkey-button');
    const claims = await claimsOf(page);
    assert.equal(claims.acr, PHR);
    assert.ok(claims.amr?.includes('hwk'));
    await context.close();
  });

  it('keeps the last passkey of a user held to MFA, and removes it once another factor is there', async () => {
    const { user, key } = await userWithPasskey('rem@example.com');
    await sesame.parts.deps.users.updateProfile(user.id, { requireMfa: true });
    const context = await chromium.browser.newContext();
    const page = await context.newPage();
    await give(await authenticator(page), [key]);
    await page.goto(`${sesame.issuer}/account`);
    await password(page, 'rem@example.com');
    await page.click('#passkey-button');
    await page.click('.remove-passkey');
    await page.waitForSelector('.error');
    assert.match((await page.textContent('.error')) ?? '', /must keep a second factor/);
    assert.match((await page.textContent('#passkeys')) ?? '', /Seeded key/);

    const { secret } = await beginTotpEnrolment(sesame.parts.deps, user, 'test');
    const code = await totpNow(sesame, secret);
    await confirmTotpEnrolment(sesame.parts.deps, { userId: user.id, owner: 'test', code, actor: 'test' });
    await page.click('.remove-passkey');
    await page.waitForSelector('.notice');
    assert.equal((await page.textContent('.notice'))?.trim(), 'The passkey was removed.');
    assert.equal(await page.locator('#passkeys').count(), 0);
    assert.equal(audits(sesame, 'mfa.passkey.removed', user.id).length, 1);
    await context.close();
  });

  it('says so at the limit of 10 passkeys, instead of offering to add one', async () => {
    const { user, key } = await userWithPasskey('ten@example.com');
    for (let i = 0; i < 9; i++) {
      const soft = new SoftAuthenticator('localhost', new URL(sesame.issuer).origin);
      const options = await beginPasskeyRegistration(sesame.parts.deps, { user, session: `seed-${i}` });
      assert.ok(options);
      const response = JSON.stringify(soft.register(options.challenge));
      const input = { userId: user.id, session: `seed-${i}`, name: `Key ${i}`, response };
      assert.ok((await finishPasskeyRegistration(sesame.parts.deps, input)).ok);
    }
    const context = await chromium.browser.newContext();
    const page = await context.newPage();
    await give(await authenticator(page), [key]);
    await page.goto(`${sesame.issuer}/account`);
    await password(page, 'ten@example.com');
    await page.click('#passkey-button');
    await page.waitForSelector('#passkey-limit');
    assert.match((await page.textContent('#passkey-limit')) ?? '', /the most passkeys an account can keep/);
    assert.equal(await page.locator('#passkey-register').count(), 0);
    assert.equal(await page.locator('.remove-passkey').count(), 10);
    await context.close();
  });

  it('refuses a cloned key whose signature counter went back, and audits it', async () => {
    const { user, key } = await userWithPasskey('clo@example.com');
    const first = await atSecondStep('clo@example.com', [key]);
    await first.page.click('#passkey-button');
    await claimsOf(first.page);
    await first.context.close();

    // A copy of the key as it was before that use: its counter is behind the one Sesame stored.
    const clone = await atSecondStep('clo@example.com', [{ ...key, signCount: 0 }]);
    await clone.page.click('#passkey-button');
    await clone.page.waitForSelector('.error');
    assert.equal((await clone.page.textContent('.error'))?.trim(), FAILED);
    const events = audits(sesame, 'mfa.passkey.counter_regression', user.id);
    assert.equal(events.length, 1);
    // The id as the browser and Sesame write it (base64url); CDP's is plain base64.
    const id = Buffer.from(key.credentialId, 'base64').toString('base64url');
    assert.ok(!sesame.logs.some((line) => line.includes(id)), 'no credential id in the logs');
    assert.ok(
      sesame.logs.some((line) => line.includes(id.slice(0, 8))),
      'its first characters are',
    );
    await clone.context.close();
  });

  it('refuses an answer signed for another origin (a look-alike page relaying the challenge)', async () => {
    const { key } = await userWithPasskey('ori@example.com');
    const { context, page } = await atSecondStep('ori@example.com', [key]);
    const options = await inPage(page, OPTIONS_IN_PAGE);
    // Same RP ID (localhost), other origin: the demo app's port.
    const elsewhere = await context.newPage();
    await give(await authenticator(elsewhere), [key]);
    await elsewhere.goto(demo.url.replace('127.0.0.1', 'localhost'));
    const answer = (await inPage(elsewhere, ASSERT_IN_PAGE, options)) as string;
    assert.match(
      JSON.parse(Buffer.from(JSON.parse(answer).response.clientDataJSON, 'base64url').toString()).origin,
      /localhost/,
    );
    await postAnswer(page, answer);
    await page.waitForSelector('.error');
    assert.equal((await page.textContent('.error'))?.trim(), FAILED);
    await context.close();
  });

  /**
   * A fresh browser (no session) holding `keys`, going to the login page of a sign-in to the demo
   * app. With a discoverable passkey the page's autofill request (conditional mediation) signs in at
   * once: the virtual authenticator picks the only passkey, standing in for the user choosing it from
   * the e-mail field's suggestions. `autofill: false`: a browser without it, where the button asks.
   */
  async function toLoginPage(
    keys: VirtualCredential[],
    options: { javaScript?: boolean; autofill?: boolean; watch?: (page: Page) => void } = {},
  ) {
    const context = await chromium.browser.newContext({ javaScriptEnabled: options.javaScript ?? true });
    const page = await context.newPage();
    if (options.autofill === false)
      await page.addInitScript(
        'PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);',
      );
    options.watch?.(page);
    const device = await authenticator(page);
    await give(device, keys);
    await page.goto(`${demo.url}/login`);
    return { context, page, device };
  }

  /** A discoverable passkey (it names its user) registered through the domain, as CDP credentials. */
  async function userWithDiscoverablePasskey(email: string) {
    const { user, key } = await userWithPasskey(email);
    return {
      user,
      key: { ...key, isResidentCredential: true, userHandle: Buffer.from(user.id).toString('base64') },
    };
  }

  it("signs in with a passkey chosen from the e-mail field's autofill: no password, the strongest acr, user verification audited", async () => {
    const { user, key } = await userWithDiscoverablePasskey('solo@example.com');
    const { context, page } = await toLoginPage([key]);
    const claims = await claimsOf(page);
    assert.equal(claims.acr, PHR);
    assert.deepEqual(claims.amr, ['hwk', 'user', 'mfa']);
    const [event] = audits(sesame, 'login.success', user.id);
    assert.deepEqual(
      { ...(event?.details as object), credential: undefined },
      { method: 'passkey', userVerified: true, credential: undefined },
    );
    await context.close();
  });

  it('signs in with the passkey button where the browser has no passkey autofill', async () => {
    const { key } = await userWithDiscoverablePasskey('button@example.com');
    const { context, page } = await toLoginPage([key], { autofill: false });
    await page.waitForSelector('#passkey-login-button');
    assert.equal(await page.getAttribute('#email', 'autocomplete'), 'username webauthn');
    await page.check('input[name="remember"]');
    await page.click('#passkey-login-button');
    const claims = await claimsOf(page);
    assert.equal(claims.acr, PHR);
    // "Keep me signed in" was ticked: the session cookie outlives the browser session.
    const session = (await context.cookies()).find((c) => c.name === '_session');
    assert.ok(session && session.expires > 0);
    // The account page lists this browser as signed in with a passkey.
    await page.goto(`${sesame.issuer}/account`);
    await page.waitForSelector('#passkeys');
    assert.match((await page.textContent('body')) ?? '', /Signed in .+ with a passkey;/);
    await context.close();
  });

  it('registers passkeys on /account as discoverable, so the same passkey later signs in alone', async () => {
    await addUser(sesame, 'disc@example.com', { name: 'Disc' });
    const context = await chromium.browser.newContext();
    const page = await context.newPage();
    const device = await authenticator(page);
    await page.goto(`${sesame.issuer}/account`);
    await password(page, 'disc@example.com');
    await page.waitForSelector('#passkey-register', { state: 'visible' });
    await page.click('#add-passkey');
    await page.waitForSelector('#recovery-codes');
    const [made] = await credentialsOf(device);
    assert.equal(made?.isResidentCredential, true);
    await context.close();

    const fresh = await toLoginPage(made ? [made] : []);
    assert.equal((await claimsOf(fresh.page)).acr, PHR);
    await fresh.context.close();
  });

  it('keeps the login page as it was without JavaScript: no passkey button, the password still signs in', async () => {
    await addUser(sesame, 'noscript@example.com', { name: 'No Script' });
    const { context, page } = await toLoginPage([], { javaScript: false });
    await page.waitForSelector('#email');
    assert.equal(await page.isVisible('#passkey-login-button'), false);
    await password(page, 'noscript@example.com');
    await page.waitForURL((url) => url.href.startsWith(demo.url));
    await context.close();
  });

  it('refuses a passwordless answer replayed in another sign-in, with one message, and the password form stays', async () => {
    const { key } = await userWithDiscoverablePasskey('again@example.com');
    let captured = '';
    const first = await toLoginPage([key], {
      watch: (page) =>
        page.on('request', (r) => {
          if (r.method() === 'POST' && /\/interaction\/[^/]+\/passkey$/.test(r.url()))
            captured = new URLSearchParams(r.postData() ?? '').get('response') ?? '';
        }),
    });
    await claimsOf(first.page);
    assert.ok(captured.length > 0);
    await first.context.close();

    const second = await toLoginPage([]);
    await second.page.waitForSelector('#passkey-login', { state: 'attached' });
    await second.page.evaluate(`((answer) => {
      const form = document.getElementById('passkey-login');
      form.elements.response.value = answer;
      form.submit();
    })(${JSON.stringify(captured)})`);
    await second.page.waitForSelector('.error');
    assert.match((await second.page.textContent('.error')) ?? '', /That passkey did not sign you in/);
    assert.equal(await second.page.isVisible('#password'), true);
    await second.context.close();
  });

  it('refuses an answer replayed in another sign-in', async () => {
    const { user, key } = await userWithPasskey('rep@example.com');
    const first = await atSecondStep('rep@example.com', [key]);
    let captured = '';
    first.page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/mfa/verify'))
        captured = new URLSearchParams(r.postData() ?? '').get('code') ?? '';
    });
    await first.page.click('#passkey-button');
    await claimsOf(first.page);
    assert.ok(captured.length > 0);
    const keys = await credentialsOf(first.device);
    await first.context.close();

    const second = await atSecondStep('rep@example.com', keys);
    await inPage(second.page, OPTIONS_IN_PAGE); // this sign-in has a challenge of its own
    await postAnswer(second.page, captured);
    await second.page.waitForSelector('.error');
    assert.equal((await second.page.textContent('.error'))?.trim(), FAILED);
    // Refused for its challenge, before the counter (which would also catch it for a key that counts).
    assert.equal(audits(sesame, 'mfa.passkey.counter_regression', user.id).length, 0);
    await second.context.close();
  });
});
