import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as oidc from 'openid-client';
import { setEmailCodes } from '../../functions/domain/credentials/email-code/strategy.ts';
import { regenerateRecoveryCodes } from '../../functions/domain/credentials/recovery-codes/strategy.ts';
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
} from '../../functions/domain/credentials/totp/strategy.ts';
import { factorSummary } from '../../functions/domain/mfa/settings.ts';
import { ACR } from '../../functions/oidc/acr.ts';
import type { Page } from '../support/browserless.ts';
import { audits, completeSignIn, secretOnPage, submitCode, totpNow } from '../support/mfa.ts';
import {
  addUser,
  PASSWORD,
  REDIRECT,
  relyingParty,
  type Started,
  startLogin,
  submitLogin,
} from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

/** No test may hang on a mail that never comes. */
const T = { timeout: 30_000 };

/**
 * The second-factor attacks of issue 8, driven over HTTP as an attacker who knows only a password
 * would drive them. Each of these tests failed on the code before the fix.
 */
describe('second-factor attacks with only a password', () => {
  let sesame: RunningSesame;
  let plain: oidc.Configuration;
  let strict: oidc.Configuration;

  before(async () => {
    sesame = await startSesame();
    ({ config: plain } = await relyingParty(sesame, { clientId: 'attack-plain' }));
    ({ config: strict } = await relyingParty(sesame, { clientId: 'attack-strict', requireMfa: true }));
  });
  after(() => sesame.close());

  const deps = () => sesame.parts.deps;

  async function userWithEmailCodes(email: string) {
    const user = await addUser(sesame, email);
    await setEmailCodes(deps(), { userId: user.id, enabled: true, actor: 'test' });
    return user;
  }

  async function userWithTotp(email: string) {
    const user = await addUser(sesame, email);
    const { secret } = await beginTotpEnrolment(deps(), user, 'test');
    const code = await totpNow(sesame, secret);
    assert.ok(await confirmTotpEnrolment(deps(), { userId: user.id, code, owner: 'test', actor: 'test' }));
    sesame.clock.advance(30_000);
    return { user, secret };
  }

  async function sendAndRead(s: Started, page: Page, email: string) {
    const since = sesame.mail.messages.length;
    const after = await s.browser.submit(page, '/mfa/send', {});
    const mail = await sesame.mail.next(email, since);
    const code = /sign-in code is (\d{6})/.exec(mail.text)?.[1];
    assert.ok(code);
    return { page: after, code };
  }

  const lockState = async (email: string) => {
    const user = await sesame.parts.deps.users.findByEmailKey(email);
    assert.ok(user);
    return { failed: user.failedAttempts, locked: user.lockedUntil !== null };
  };

  it(
    'A: never offers enrolment to a user who has e-mail codes, and refuses a strong step-up after the code',
    T,
    async () => {
      const victim = await userWithEmailCodes('a-victim@example.com');
      const started = await startLogin(plain, { acr_values: ACR.mfa });
      const page = await submitLogin(started, 'a-victim@example.com', PASSWORD);
      assert.match(page.url, /\/mfa$/);
      assert.ok(!page.html.includes('totp-secret'), 'no authenticator key is shown');
      assert.ok(page.html.includes('value="email"'), 'the e-mail code the user has is asked for');
      // Posting straight to enrolment is refused: this sign-in never offered it.
      const forged = await started.browser.request(page.url.replace(/\/mfa$/, '/mfa/enrol'), {
        method: 'POST',
        body: new URLSearchParams({ csrf: csrfOf(page), code: '123456' }),
      });
      assert.equal(forged.status, 400);
      // After proving the e-mail code, the strong step-up is refused with a clear page, no tokens.
      const { page: sent, code } = await sendAndRead(started, page, 'a-victim@example.com');
      const refused = await submitCode(started, sent, 'email', code);
      assert.ok(!refused.url.startsWith(REDIRECT), 'no code goes back to the app');
      assert.match(refused.html, /[Ss]et up an authenticator/);
      assert.equal((await factorSummary(deps(), victim.id)).totp.on, false);
      assert.equal(audits(sesame, 'mfa.totp.enrolled', victim.id).length, 0);
    },
  );

  it(
    'A: refuses a phishing-resistant step-up after the e-mail code, and says to add a passkey',
    T,
    async () => {
      await userWithEmailCodes('a-passkey@example.com');
      const started = await startLogin(plain, { acr_values: ACR.phishingResistant });
      const page = await submitLogin(started, 'a-passkey@example.com', PASSWORD);
      const { page: sent, code } = await sendAndRead(started, page, 'a-passkey@example.com');
      const refused = await submitCode(started, sent, 'email', code);
      assert.ok(!refused.url.startsWith(REDIRECT), 'no code goes back to the app');
      assert.match(refused.html, /Add a passkey on your account first/);
    },
  );

  it('A: a sign-in enrolment is audited and mailed to the user', T, async () => {
    const user = await addUser(sesame, 'a-enrol@example.com');
    const started = await startLogin(strict);
    const page = await submitLogin(started, 'a-enrol@example.com', PASSWORD);
    const since = sesame.mail.messages.length;
    const codes = await started.browser.submit(page, '/mfa/enrol', {
      code: await totpNow(sesame, secretOnPage(page)),
    });
    assert.match(codes.html, /recovery codes/i);
    const mail = await sesame.mail.next('a-enrol@example.com', since);
    assert.match(mail.text, /authenticator app was added/);
    assert.equal(audits(sesame, 'mfa.totp.enrolled', user.id).length, 1);
  });

  it('B: another account’s second factor never finishes the victim’s sign-in (concurrent, many tries)', {
    timeout: 120_000,
  }, async () => {
    const { user: attacker, secret } = await userWithTotp('b-attacker@example.com');
    const victim = await userWithTotp('b-victim@example.com');
    // The manual clock moves 30 s a round for fresh TOTP steps; the interactions' expiry follows the
    // real clock, so it is put back afterwards for the tests that follow.
    const start = sesame.clock.now();
    for (let i = 0; i < 24; i++) {
      sesame.clock.advance(30_000); // a fresh TOTP step for the attacker's own code
      const started = await startLogin(strict);
      const mfaPage = await submitLogin(started, 'b-attacker@example.com', PASSWORD);
      assert.match(mfaPage.url, /\/mfa$/);
      const code = await totpNow(sesame, secret);
      const victimLogin = started.browser.submit(started.page, '/login', {
        email: 'b-victim@example.com',
        password: PASSWORD,
      });
      await new Promise((r) => setTimeout(r, (i % 12) * 6));
      const attackerCode = submitCode(started, mfaPage, 'totp', code);
      const [, done] = await Promise.all([victimLogin, attackerCode]);
      if (!done.url.startsWith(REDIRECT) && !done.html.includes('/confirm"')) continue;
      const tokens = await completeSignIn(strict, started, done);
      assert.notEqual(tokens.claims()?.sub, victim.user.id, `iteration ${i}: tokens for the victim`);
      assert.equal(tokens.claims()?.sub, attacker.id);
    }
    sesame.clock.set(start);
  });

  it('B: a second password on an interaction pending for another user is refused', T, async () => {
    await userWithTotp('b2-first@example.com');
    await userWithTotp('b2-second@example.com');
    const started = await startLogin(plain);
    const mfaPage = await submitLogin(started, 'b2-first@example.com', PASSWORD);
    assert.match(mfaPage.url, /\/mfa$/);
    const second = await submitLogin(started, 'b2-second@example.com', PASSWORD);
    assert.ok(!second.url.startsWith(REDIRECT), 'no sign-in as the second user on this interaction');
    assert.match(second.html, /another account/);
  });

  it(
    'C: an unfinished enrolment is never shown to a sign-in, and enrolment codes are refused where none was offered',
    T,
    async () => {
      const user = await addUser(sesame, 'c-victim@example.com');
      const unfinished = await beginTotpEnrolment(deps(), user, 'account-session');
      await setEmailCodes(deps(), { userId: user.id, enabled: true, actor: 'test' });
      const started = await startLogin(strict);
      const page = await submitLogin(started, 'c-victim@example.com', PASSWORD);
      assert.ok(!page.html.includes(unfinished.secret), 'the unfinished key is not shown');
      const url = page.url.replace(/\/mfa$/, '/mfa/enrol');
      const right = await totpNow(sesame, unfinished.secret);
      const res = await started.browser.request(url, {
        method: 'POST',
        body: new URLSearchParams({ csrf: csrfOf(page), code: right }),
      });
      assert.equal(res.status, 400);
      assert.equal((await factorSummary(deps(), user.id)).totp.on, false);
    },
  );

  it(
    'C: each sign-in enrolment makes a new key; an abandoned key does not finish another sign-in',
    T,
    async () => {
      await addUser(sesame, 'c-fresh@example.com');
      const first = await startLogin(strict);
      const firstPage = await submitLogin(first, 'c-fresh@example.com', PASSWORD);
      const abandoned = secretOnPage(firstPage);
      const second = await startLogin(strict);
      const secondPage = await submitLogin(second, 'c-fresh@example.com', PASSWORD);
      assert.notEqual(secretOnPage(secondPage), abandoned);
      const stale = await second.browser.submit(secondPage, '/mfa/enrol', {
        code: await totpNow(sesame, abandoned),
      });
      assert.match(stale.html, /did not match/);
    },
  );

  it('C: wrong enrolment codes count towards the lockout', T, async () => {
    await addUser(sesame, 'c-guess@example.com');
    const started = await startLogin(strict);
    let page = await submitLogin(started, 'c-guess@example.com', PASSWORD);
    for (const code of ['111111', '222222', '333333']) {
      page = await started.browser.submit(page, '/mfa/enrol', { code });
    }
    assert.deepEqual(await lockState('c-guess@example.com'), { failed: 3, locked: true });
  });

  it('A: a factor added while a sign-in waits on its enrolment page ends that enrolment', T, async () => {
    const user = await addUser(sesame, 'a-late@example.com');
    const started = await startLogin(strict);
    const enrolPage = await submitLogin(started, 'a-late@example.com', PASSWORD);
    const key = secretOnPage(enrolPage);
    await setEmailCodes(deps(), { userId: user.id, enabled: true, actor: 'test' });
    const reloaded = await started.browser.follow(enrolPage.url);
    assert.equal(reloaded.status, 200);
    assert.ok(!reloaded.html.includes('totp-secret'), 'no key once the user has a factor');
    assert.ok(reloaded.html.includes('value="email"'), 'the factor the user now has is asked for');
    const forged = await started.browser.request(enrolPage.url.replace(/\/mfa$/, '/mfa/enrol'), {
      method: 'POST',
      body: new URLSearchParams({ csrf: csrfOf(enrolPage), code: await totpNow(sesame, key) }),
    });
    assert.equal(forged.status, 400);
    assert.equal((await factorSummary(deps(), user.id)).totp.on, false);
  });

  it(
    'A: a second sign-in waiting on enrolment after the first enrolled gets the new factor, not a 500',
    T,
    async () => {
      await addUser(sesame, 'a-two@example.com');
      const first = await startLogin(strict);
      const firstPage = await submitLogin(first, 'a-two@example.com', PASSWORD);
      const second = await startLogin(strict);
      const secondPage = await submitLogin(second, 'a-two@example.com', PASSWORD);
      const codes = await second.browser.submit(secondPage, '/mfa/enrol', {
        code: await totpNow(sesame, secretOnPage(secondPage)),
      });
      assert.match(codes.html, /recovery codes/i);
      const again = await first.browser.follow(firstPage.url);
      assert.equal(again.status, 200);
      assert.ok(again.html.includes('totp-code') && !again.html.includes('totp-secret'));
    },
  );

  it('A: recovery codes backing up e-mail codes are no stronger than e-mail codes', T, async () => {
    const user = await userWithEmailCodes('a-recovery@example.com');
    const [code, other] = await regenerateRecoveryCodes(deps(), { userId: user.id, actor: 'test' });
    assert.ok(code && other);
    const strong = await startLogin(plain, { acr_values: ACR.mfa });
    const page = await submitLogin(strong, 'a-recovery@example.com', PASSWORD);
    const refused = await submitCode(strong, page, 'recovery', code);
    assert.ok(!refused.url.startsWith(REDIRECT), 'no code for an app that asked for an authenticator');
    assert.match(refused.html, /[Ss]et up an authenticator/);
    const weak = await startLogin(plain);
    const weakPage = await submitLogin(weak, 'a-recovery@example.com', PASSWORD);
    const tokens = await completeSignIn(plain, weak, await submitCode(weak, weakPage, 'recovery', other));
    assert.equal(tokens.claims()?.acr, ACR.mfaEmail, 'the acr of the factor the codes back up');
  });

  it('a user disabled in the middle of a sign-in gets a 4xx page, not a 500', T, async () => {
    const { user } = await userWithTotp('mid-disable@example.com');
    const started = await startLogin(strict);
    const page = await submitLogin(started, 'mid-disable@example.com', PASSWORD);
    await sesame.parts.deps.users.updateProfile(user.id, { disabled: true });
    const again = await started.browser.follow(page.url);
    assert.equal(again.status, 400);
    assert.match(again.html, /expired/);
  });

  it('D: three wrong codes across fresh password entries lock the account', T, async () => {
    await userWithTotp('d-victim@example.com');
    for (const code of ['111111', '222222', '333333']) {
      const started = await startLogin(strict);
      const page = await submitLogin(started, 'd-victim@example.com', PASSWORD);
      assert.match(page.url, /\/mfa$/, 'the password still works before the third wrong code');
      await submitCode(started, page, 'totp', code);
    }
    assert.deepEqual(await lockState('d-victim@example.com'), { failed: 3, locked: true });
    const again = await submitLogin(await startLogin(strict), 'd-victim@example.com', PASSWORD);
    assert.ok(!again.url.includes('/mfa'), 'locked: the password step refuses');
  });

  it(
    'D: a correct password does not clear earlier failures while the second factor is missing',
    T,
    async () => {
      await userWithTotp('d-mixed@example.com');
      const wrong = await startLogin(strict);
      await submitLogin(wrong, 'd-mixed@example.com', 'not the password at all');
      await submitLogin(wrong, 'd-mixed@example.com', 'still not the password');
      const started = await startLogin(strict);
      const page = await submitLogin(started, 'd-mixed@example.com', PASSWORD);
      assert.equal((await lockState('d-mixed@example.com')).failed, 2);
      await submitCode(started, page, 'totp', '000000');
      assert.deepEqual(await lockState('d-mixed@example.com'), { failed: 3, locked: true });
    },
  );

  it('D: a completed sign-in (all factors) resets the counter', T, async () => {
    const { secret } = await userWithTotp('d-reset@example.com');
    const started = await startLogin(strict);
    let page = await submitLogin(started, 'd-reset@example.com', PASSWORD);
    page = await submitCode(started, page, 'totp', '000000');
    assert.equal((await lockState('d-reset@example.com')).failed, 1);
    const done = await submitCode(started, page, 'totp', await totpNow(sesame, secret));
    await completeSignIn(strict, started, done);
    assert.equal((await lockState('d-reset@example.com')).failed, 0);
  });
});

function csrfOf(page: Page): string {
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.html)?.[1];
  assert.ok(csrf);
  return csrf;
}
