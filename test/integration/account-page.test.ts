import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { ACCOUNT_CLIENT_ID } from '../../functions/domain/clients.ts';
import { setEmailCodes } from '../../functions/domain/credentials/email-code/strategy.ts';
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
} from '../../functions/domain/credentials/totp/strategy.ts';
import { factorSummary } from '../../functions/domain/mfa/settings.ts';
import { FormClient, type Page } from '../support/browserless.ts';
import { audits, recoveryCodesOnPage, secretOnPage, totpNow } from '../support/mfa.ts';
import {
  addUser,
  PASSWORD,
  REDIRECT,
  relyingParty,
  SIGN_IN_PAGE,
  startLogin,
  submitLogin,
} from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

const NEW_PASSWORD = 'a brand new passphrase 42';

describe('the self-service account page', () => {
  let sesame: RunningSesame;
  let account: string;

  before(async () => {
    sesame = await startSesame();
    account = `${sesame.issuer}/account`;
  });
  after(() => sesame.close());

  /** Opens /account in a fresh browser and signs in through the real login page. */
  async function signInToAccount(email: string, password = PASSWORD) {
    const browser = new FormClient();
    const login = await browser.follow(account);
    assert.match(login.url, SIGN_IN_PAGE, 'not signed in: sent to the login page');
    const page = await browser.submit(login, '/login', { email, password });
    return { browser, page };
  }

  /** Enrols an authenticator from the account page; returns its secret and the page after the codes. */
  async function enrolTotp(browser: FormClient, page: Page) {
    const enrol = await browser.submit(page, '/totp/start', {});
    const secret = secretOnPage(enrol);
    const codesPage = await browser.submit(enrol, '/totp/confirm', { code: await totpNow(sesame, secret) });
    sesame.clock.advance(30_000); // the enrolment code's time step is used up
    return { secret, next: await browser.submit(codesPage, '/continue', {}) };
  }

  /**
   * With a factor enrolled, a password-only session no longer satisfies the user's own MFA policy:
   * the account page sends the browser through a step-up that asks only for the second factor.
   */
  async function stepUpWithTotp(browser: FormClient, page: Page, secret: string): Promise<Page> {
    assert.match(page.url, /\/interaction\/[\w-]+\/mfa$/, 'the account page asks for the new factor');
    assert.ok(!page.html.includes('name="password"'), 'only the second factor, not the password again');
    return browser.submit(page, '/mfa/verify', { method: 'totp', code: await totpNow(sesame, secret) });
  }

  async function mailsTo(email: string, since: number) {
    return sesame.mail.messages.slice(since).filter((m) => m.to.includes(email));
  }

  it('signs the user in through the authorization endpoint and shows who they are', async () => {
    await addUser(sesame, 'overview@example.com', { name: 'Ada <b>Lovelace</b>' });
    const first = await new FormClient().request(account);
    assert.equal(first.status, 303);
    const location = new URL(first.headers.get('location') ?? '');
    assert.equal(location.pathname, '/auth');
    assert.equal(location.searchParams.get('client_id'), ACCOUNT_CLIENT_ID);
    assert.equal(location.searchParams.get('code_challenge_method'), 'S256');

    const { page } = await signInToAccount('overview@example.com');
    assert.equal(page.url, account);
    assert.equal(page.status, 200);
    assert.ok(page.html.includes('overview@example.com'));
    assert.ok(page.html.includes('Ada &lt;b&gt;Lovelace&lt;/b&gt;'), 'the name is escaped');
    assert.match(page.html, /id="totp-status">Not set up/);
  });

  it('cannot redeem a code at the token endpoint, even from an authorization request with its own PKCE verifier', async () => {
    await addUser(sesame, 'code@example.com');
    // Someone builds their own request for the account client, keeping the verifier this time.
    const verifier = oidc.randomPKCECodeVerifier();
    const url = new URL(`${sesame.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: ACCOUNT_CLIENT_ID,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: `${account}/callback`,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();
    const browser = new FormClient();
    const login = await browser.follow(url.href);
    const callback = await browser.submit(
      login,
      '/login',
      { email: 'code@example.com', password: PASSWORD },
      `${account}/callback`,
    );
    const code = new URL(callback.url).searchParams.get('code');
    assert.ok(code, 'the callback carries a code');
    const redeem = (headers: Record<string, string>) =>
      fetch(`${sesame.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: ACCOUNT_CLIENT_ID,
          code,
          redirect_uri: `${account}/callback`,
          code_verifier: verifier,
        }).toString(),
      });
    const guessed = Buffer.from(`${ACCOUNT_CLIENT_ID}:guessed-secret`).toString('base64');
    for (const res of [await redeem({}), await redeem({ authorization: `Basic ${guessed}` })]) {
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_client');
    }
  });

  it('wants the strongest factor the user has: a session from an e-mailed code steps up to the authenticator', async () => {
    const email = 'strongest@example.com';
    const user = await addUser(sesame, email);
    const { secret } = await beginTotpEnrolment(sesame.parts.deps, user, 'test');
    const enrolCode = await totpNow(sesame, secret);
    assert.ok(
      await confirmTotpEnrolment(sesame.parts.deps, {
        userId: user.id,
        owner: 'test',
        code: enrolCode,
        actor: 't',
      }),
    );
    await setEmailCodes(sesame.parts.deps, { userId: user.id, enabled: true, actor: 't' });
    sesame.clock.advance(30_000);
    // Sign in to an ordinary app with the password and an e-mailed code (acr urn:sesame:acr:mfa:email).
    const { config: app } = await relyingParty(sesame, { clientId: 'account-strongest-app' });
    const started = await startLogin(app);
    const mfaPage = await submitLogin(started, email, PASSWORD);
    const since = sesame.mail.messages.length;
    const sent = await started.browser.submit(mfaPage, '/mfa/send', {});
    const mailed = /sign-in code is (\d{6})/.exec((await sesame.mail.next(email, since)).text)?.[1] ?? '';
    const back = await started.browser.submit(
      sent,
      '/mfa/verify',
      { method: 'email', code: mailed },
      REDIRECT,
    );
    assert.ok(back.url.startsWith(REDIRECT), 'signed in to the app with the e-mailed code');

    const stepUp = await started.browser.follow(account);
    assert.match(stepUp.url, /\/interaction\/[\w-]+\/mfa$/, 'the account page does not accept that session');
    assert.ok(!stepUp.html.includes('/mfa/send"'), 'and does not accept another e-mailed code either');
    const page = await stepUpWithTotp(started.browser, stepUp, secret);
    assert.equal(page.url, account);
  });

  it('adds an authenticator with a confirmed code, shows recovery codes once, audits and e-mails', async () => {
    const email = 'add-totp@example.com';
    const user = await addUser(sesame, email);
    const { browser, page } = await signInToAccount(email);
    const mailsBefore = sesame.mail.messages.length;
    const enrol = await browser.submit(page, '/totp/start', {});
    assert.ok(enrol.html.includes('<img src="data:image/png;base64,'), 'QR code rendered server-side');
    const secret = secretOnPage(enrol);
    const wrong = await browser.submit(enrol, '/totp/confirm', { code: '000000' });
    assert.equal(wrong.status, 400);
    assert.match(wrong.html, /did not match/);
    assert.equal(secretOnPage(wrong), secret, 'the same pending secret is offered again');
    const codesPage = await browser.submit(wrong, '/totp/confirm', { code: await totpNow(sesame, secret) });
    const codes = recoveryCodesOnPage(codesPage);
    assert.equal(codes.length, 10);
    sesame.clock.advance(30_000);
    const back = await stepUpWithTotp(browser, await browser.submit(codesPage, '/continue', {}), secret);
    assert.equal(back.url, account);
    assert.match(back.html, /id="totp-status">Set up/);
    assert.match(back.html, /id="recovery-status">10 unused/);
    assert.ok(!back.html.includes(secret), 'the secret is never shown again');
    for (const hidden of [secret, ...codes])
      assert.ok(!sesame.logs.some((l) => l.includes(hidden)), 'no secret or recovery code in the logs');
    assert.equal(audits(sesame, 'mfa.totp.enrolled', user.id).length, 1);
    assert.equal(audits(sesame, 'mfa.recovery_codes.generated', user.id).length, 1);
    const mails = await mailsTo(email, mailsBefore);
    assert.equal(mails.length, 1);
    assert.match(mails[0]?.text ?? '', /authenticator app was added/);

    // Having a factor means being asked for it: the next sign-in to the account page wants a code.
    const again = await signInToAccount(email);
    assert.match(again.page.url, /\/interaction\/[\w-]+\/mfa$/);
  });

  it('switches e-mail codes on and off and makes new recovery codes, each audited and e-mailed', async () => {
    const email = 'email-codes@example.com';
    const user = await addUser(sesame, email);
    const { browser, page } = await signInToAccount(email);
    assert.ok(!page.html.includes('/recovery-codes"'), 'no recovery codes without a factor');
    const before = sesame.mail.messages.length;
    const stepUp = await browser.submit(page, '/email/switch', {});
    // The new factor is demanded at once: the step-up sends a code to the user's mailbox.
    assert.match(stepUp.url, /\/mfa$/);
    const since = sesame.mail.messages.length;
    const sent = await browser.submit(stepUp, '/mfa/send', {});
    const code = /sign-in code is (\d{6})/.exec((await sesame.mail.next(email, since)).text)?.[1] ?? '';
    const on = await browser.submit(sent, '/mfa/verify', { method: 'email', code });
    assert.equal(on.url, account);
    assert.match(on.html, /id="email-status">On/);
    const codes = recoveryCodesOnPage(await browser.submit(on, '/recovery/new', {}));
    assert.equal(codes.length, 10);
    const back = await browser.follow(account);
    const off = await browser.submit(back, '/email/switch', {});
    assert.match(off.html, /id="email-status">Off/);
    assert.ok(!off.html.includes('id="recovery-status"'), 'with no factor left the recovery codes are gone');
    assert.equal(audits(sesame, 'mfa.email_codes.enabled', user.id).length, 1);
    assert.equal(audits(sesame, 'mfa.email_codes.disabled', user.id).length, 1);
    assert.equal(audits(sesame, 'mfa.recovery_codes.generated', user.id).length, 1);
    for (const type of [
      'mfa.email_codes.enabled',
      'mfa.email_codes.disabled',
      'mfa.recovery_codes.generated',
    ]) {
      const [event] = audits(sesame, type, user.id);
      assert.ok(
        event?.ip && event.userAgent && event.requestId,
        `${type} carries IP, user agent and request id`,
      );
    }
    assert.equal((await mailsTo(email, before)).length, 4, 'three notifications and one sign-in code');
  });

  it('removes the authenticator, but not the last factor of a user who must use MFA', async () => {
    const email = 'remove-totp@example.com';
    const user = await addUser(sesame, email);
    const { browser, page } = await signInToAccount(email);
    const { secret, next } = await enrolTotp(browser, page);
    const shown = await stepUpWithTotp(browser, next, secret);

    await sesame.parts.deps.users.updateProfile(user.id, { requireMfa: true });
    const refused = await browser.submit(shown, '/totp/remove', {});
    assert.equal(refused.status, 400);
    assert.match(refused.html, /must keep a second factor/);
    assert.match(refused.html, /id="totp-status">Set up/);

    await sesame.parts.deps.users.updateProfile(user.id, { requireMfa: false });
    const removed = await browser.submit(refused, '/totp/remove', {});
    assert.equal(removed.url, `${account}?done=totp-removed`);
    assert.match(removed.html, /id="totp-status">Not set up/);
    assert.equal(audits(sesame, 'mfa.totp.removed', user.id).length, 1);
    assert.equal((await factorSummary(sesame.parts.deps, user.id)).recovery.left, 0);
    for (const inherited of ['constructor', '__proto__', 'toString']) {
      const odd = await browser.follow(`${account}?done=${inherited}`);
      assert.equal(odd.status, 200);
      assert.ok(!/native code|\[object Object\]/.test(odd.html), `?done=${inherited} shows nothing`);
    }
  });

  it('asks for a fresh sign-in before factor changes when the session is older than 15 minutes', async () => {
    const email = 'stale@example.com';
    await addUser(sesame, email);
    const { browser, page } = await signInToAccount(email);
    sesame.clock.advance(16 * 60_000);
    const stale = await browser.follow(account);
    assert.ok(!stale.html.includes('/totp/start"'), 'factor forms are hidden');
    assert.match(stale.html, /confirm it is you/);
    const refused = await browser.submit(page, '/totp/start', {});
    assert.match(refused.html, /sign in again before changing/);
    assert.ok(!refused.html.includes('id="totp-secret"'));

    const login = await browser.follow(`${account}/signin`);
    assert.match(login.url, SIGN_IN_PAGE, 'prompt=login shows the login page despite the session');
    assert.match(login.html, /id="email"[^>]*value="stale@example.com"/, 'the address is filled in');
    sesame.clock.advance(-16 * 60_000);
    const fresh = await browser.submit(login, '/login', { email, password: PASSWORD });
    assert.ok(fresh.html.includes('/totp/start"'), 'after signing in again the forms are back');
  });

  it('signs out everywhere: every session ends, this one too, audited and mailed', async () => {
    const email = 'everywhere@example.com';
    const user = await addUser(sesame, email);
    const first = await signInToAccount(email);
    const second = await signInToAccount(email);
    assert.match(second.page.html, /id="sign-out-everywhere"/);
    const since = sesame.mail.messages.length;
    const done = await second.browser.submit(second.page, '/everywhere', {});
    assert.match(done.html, /You are signed out everywhere/);
    for (const browser of [first.browser, second.browser]) {
      const again = await browser.follow(account);
      assert.match(again.url, SIGN_IN_PAGE, 'sent to sign in again');
    }
    assert.ok((await sesame.parts.deps.users.findById(user.id))?.credentialsChangedAt);
    assert.match(
      (await sesame.mail.next(email, since)).text,
      /Every session of your Sesame account was signed out/,
    );
    const forged = await new FormClient().request(`${account}/everywhere`, {
      method: 'POST',
      body: new URLSearchParams({ csrf: 'forged' }),
    });
    assert.ok(forged.status >= 300 && forged.status < 500, 'no session, no change');
  });

  it('changes the password: current password and policy required, every session ends', async (t) => {
    const email = 'password@example.com';
    const user = await addUser(sesame, email);
    const { browser, page } = await signInToAccount(email);
    const before = sesame.mail.messages.length;
    // The test clock started with Sesame; bring it to the wall clock oidc-provider stamps sessions with.
    sesame.clock.set(new Date(Date.now() + 1000));

    const wrong = await browser.submit(page, '/password', {
      current: 'not my password',
      password: NEW_PASSWORD,
      confirm: NEW_PASSWORD,
    });
    assert.equal(wrong.status, 400);
    assert.match(wrong.html, /current password is incorrect/);
    const differ = await browser.submit(wrong, '/password', {
      current: PASSWORD,
      password: NEW_PASSWORD,
      confirm: `${NEW_PASSWORD}!`,
    });
    assert.match(differ.html, /confirmation differ/);
    const weak = await browser.submit(differ, '/password', {
      current: PASSWORD,
      password: 'short',
      confirm: 'short',
    });
    assert.match(weak.html, /id="password-problems"/);
    assert.match(weak.html, /at least 12 characters/);

    const done = await browser.submit(weak, '/password', {
      current: PASSWORD,
      password: NEW_PASSWORD,
      confirm: NEW_PASSWORD,
    });
    assert.match(done.html, /Your password was changed/);
    assert.equal(audits(sesame, 'password.changed', user.id).length, 1);
    assert.equal(audits(sesame, 'password.change', user.id).length, 1, 'the wrong current password');
    assert.equal((await mailsTo(email, before)).length, 1);

    const after = await browser.follow(account);
    assert.match(after.url, SIGN_IN_PAGE, 'this session ended too');
    const old = await browser.submit(after, '/login', { email, password: PASSWORD });
    assert.match(old.html, /incorrect/);
    // A sign-in counts as after the change from the change's second on. oidc-provider reads the
    // process clock, so that clock (Date only; timers keep running) is moved there, not waited for.
    t.mock.timers.enable({ apis: ['Date'], now: Math.max(Date.now(), sesame.clock.now().getTime() + 1000) });
    const next = await browser.submit(old, '/login', { email, password: NEW_PASSWORD });
    t.mock.timers.reset();
    assert.equal(next.url, account);
    for (const hidden of [PASSWORD, NEW_PASSWORD, 'not my password'])
      assert.ok(!sesame.logs.some((l) => l.includes(hidden)), 'no password in the logs');
  });

  it('refuses forged, malformed and misdirected requests with a 4xx page', async () => {
    await addUser(sesame, 'csrf@example.com');
    const { browser, page } = await signInToAccount('csrf@example.com');
    const forged = await browser.submit(page, '/email/switch', { csrf: 'forged' });
    assert.equal(forged.status, 403);
    assert.match(forged.html, /Error code: <code>csrf<\/code>/);
    const bad = await browser.submit(page, '/email/switch', { enabled: 'maybe' });
    assert.equal(bad.status, 400);
    assert.equal((await browser.request(`${account}/password`)).status, 405);
    assert.equal((await browser.request(account, { method: 'POST' })).status, 405);
    const json = await browser.request(`${account}/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(json.status, 415);
    const cancelled = await browser.follow(`${account}/callback?error=access_denied`);
    assert.equal(cancelled.status, 400);
    assert.match(cancelled.html, /not signed in/);
    for (const r of [forged, bad, cancelled]) assert.ok(!/at .*\.ts:\d+/.test(r.html), 'no stack trace');
  });

  it("refuses a form token from an earlier user's session in the same browser", async () => {
    await addUser(sesame, 'first@example.com');
    await addUser(sesame, 'second@example.com');
    const { browser, page: first } = await signInToAccount('first@example.com');
    const logout = await browser.follow(`${sesame.issuer}/session/end`);
    await browser.submit(logout, '/session/end/confirm', { logout: 'yes' });
    const login = await browser.follow(account);
    const second = await browser.submit(login, '/login', { email: 'second@example.com', password: PASSWORD });
    assert.ok(second.html.includes('second@example.com'));
    const stale = await browser.submit(first, '/email/switch', {});
    assert.equal(stale.status, 403);
    const fresh = await browser.submit(second, '/email/switch', {});
    assert.match(fresh.url, /\/mfa$/, 'the current page works (and steps up to the new factor)');
  });

  it('treats the session of a disabled user as signed out', async () => {
    const email = 'disabled@example.com';
    const user = await addUser(sesame, email);
    const { browser, page } = await signInToAccount(email);
    assert.equal(page.url, account);
    await sesame.parts.deps.users.updateProfile(user.id, { disabled: true });
    const res = await browser.request(account);
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location') ?? '', /\/auth\?/);
    const post = await browser.submit(page, '/email/switch', {});
    assert.match(post.url, SIGN_IN_PAGE, 'a form posted after the session ended starts over');
  });
});

describe('the account page with MFA policy off', () => {
  let sesame: RunningSesame;
  before(async () => {
    sesame = await startSesame({ mfa: { policy: 'off' } });
  });
  after(() => sesame.close());

  it('still asks a user who has an authenticator for it: a password alone cannot replace it', async () => {
    const user = await addUser(sesame, 'off@example.com');
    const { secret } = await beginTotpEnrolment(sesame.parts.deps, user, 'test');
    const code = await totpNow(sesame, secret);
    assert.ok(
      await confirmTotpEnrolment(sesame.parts.deps, { userId: user.id, owner: 'test', code, actor: 't' }),
    );
    sesame.clock.advance(30_000);
    const browser = new FormClient();
    const login = await browser.follow(`${sesame.issuer}/account`);
    const page = await browser.submit(login, '/login', { email: 'off@example.com', password: PASSWORD });
    assert.match(page.url, /\/interaction\/[\w-]+\/mfa$/);
    const done = await browser.submit(page, '/mfa/verify', {
      method: 'totp',
      code: await totpNow(sesame, secret),
    });
    assert.equal(done.url, `${sesame.issuer}/account`);
    assert.match(done.html, /id="totp-status">Set up/);
  });
});
