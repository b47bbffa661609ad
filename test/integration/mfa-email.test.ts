import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as oidc from 'openid-client';
import { setEmailCodes } from '../../functions/domain/credentials/email-code/strategy.ts';
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
} from '../../functions/domain/credentials/totp/strategy.ts';
import { ACR } from '../../functions/oidc/acr.ts';
import { enrolTotp } from '../support/admin.ts';
import type { Page } from '../support/browserless.ts';
import { completeSignIn, submitCode, totpNow } from '../support/mfa.ts';
import {
  addUser,
  interactionUrl,
  PASSWORD,
  REDIRECT,
  relyingParty,
  type Started,
  startLogin,
  submitLogin,
} from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

const WRONG = 'The code from the e-mail is incorrect or has expired, or the account is temporarily locked.';

describe('e-mailed one-time codes through a real SMTP server', () => {
  let sesame: RunningSesame;
  let app: oidc.Configuration;

  before(async () => {
    sesame = await startSesame();
    ({ config: app } = await relyingParty(sesame, { clientId: 'mail-app', requireMfa: true }));
  });
  after(() => sesame.close());

  async function userWithEmailCodes(email: string) {
    const user = await addUser(sesame, email);
    await setEmailCodes(sesame.parts.deps, { userId: user.id, enabled: true, actor: 'test' });
    return user;
  }

  async function toMfaPage(email: string, extra: Record<string, string> = {}) {
    const started = await startLogin(app, extra);
    const page = await submitLogin(started, email, PASSWORD);
    assert.match(page.url, /\/mfa$/);
    return { started, page };
  }

  /** Presses "send a code" and reads the code out of the real message the SMTP server received. */
  async function sendAndRead(s: Started, page: Page, email: string) {
    const since = sesame.mail.messages.length;
    const after = await s.browser.submit(page, '/mfa/send', {});
    const mail = await sesame.mail.next(email, since);
    const code = /sign-in code is (\d{6})/.exec(mail.text)?.[1];
    assert.ok(code, 'the plain-text body carries the code');
    return { page: after, code, mail };
  }

  it('shows one method at a time, offers the others, and focuses the code field once a code is sent', async () => {
    const user = await userWithEmailCodes('both@example.com');
    await enrolTotp(sesame, user);
    const { started, page } = await toMfaPage('both@example.com');
    const forms = (html: string) => [...html.matchAll(/name="method" value="(\w+)"/g)].map((m) => m[1]);
    assert.deepEqual(forms(page.html), ['totp'], 'the authenticator first, alone');
    assert.match(page.html, /Use another method/);
    assert.match(page.html, /Get a code by e-mail/);
    // Choosing another method by address (the page links them where no form is needed).
    const emailFirst = await started.browser.follow(`${interactionUrl(started.page)}/mfa?method=email`);
    assert.deepEqual(forms(emailFirst.html), ['email']);
    assert.match(emailFirst.html, /id="send-email-code" autofocus/);
    const { page: sent } = await sendAndRead(started, page, 'both@example.com');
    assert.deepEqual(forms(sent.html), ['email']);
    assert.match(sent.html, /id="email-code"[^>]* autofocus/, 'the field for the code has the focus');
    const wrong = await submitCode(started, sent, 'email', '000000');
    assert.equal(wrong.status, 400);
    assert.deepEqual(forms(wrong.html), ['email'], 'a failed code stays on its method');
    assert.match(wrong.html, /The code from the e-mail is incorrect/);
    assert.match(wrong.html, /aria-invalid="true"/);
  });

  it('signs in with the mailed code, once, and the ID token says it was an e-mail code', async () => {
    await userWithEmailCodes('mail1@example.com');
    const { started, page } = await toMfaPage('mail1@example.com');
    const { page: sent, code, mail } = await sendAndRead(started, page, 'mail1@example.com');
    assert.ok(!mail.subject.includes(code), 'the code is not in the subject');
    assert.match(mail.raw, /Content-Type: text\/html/i);
    assert.ok(!/https?:\/\//.test(mail.text), 'no links');
    const tokens = await completeSignIn(app, started, await submitCode(started, sent, 'email', code));
    assert.equal(tokens.claims()?.acr, ACR.mfaEmail);
    assert.deepEqual(tokens.claims()?.amr, ['pwd', 'otp', 'mfa']);

    // The same code in another sign-in: rejected (single use, and bound to the sign-in it was sent for).
    const second = await toMfaPage('mail1@example.com');
    const refused = await submitCode(second.started, second.page, 'email', code);
    assert.ok(!refused.url.startsWith(REDIRECT));
    assert.ok(refused.html.includes(WRONG));
  });

  it('rejects a code after it expired (clock moved 10 minutes)', async () => {
    await userWithEmailCodes('mail2@example.com');
    const { started, page } = await toMfaPage('mail2@example.com');
    const { page: sent, code } = await sendAndRead(started, page, 'mail2@example.com');
    sesame.clock.advance(10 * 60 * 1000 + 1000);
    const refused = await submitCode(started, sent, 'email', code);
    assert.ok(refused.html.includes(WRONG));
  });

  it('rate-limits resends, and a resend invalidates the previous code', async () => {
    await userWithEmailCodes('mail3@example.com');
    const { started, page } = await toMfaPage('mail3@example.com');
    const first = await sendAndRead(started, page, 'mail3@example.com');
    const tooSoon = await started.browser.submit(first.page, '/mfa/send', {});
    assert.match(tooSoon.html, /Please wait/);
    sesame.clock.advance(31_000);
    const second = await sendAndRead(started, tooSoon, 'mail3@example.com');
    if (first.code !== second.code) {
      const old = await submitCode(started, second.page, 'email', first.code);
      assert.ok(old.html.includes(WRONG), 'the previous code stopped working');
    }
    const ok = await submitCode(started, second.page, 'email', second.code);
    assert.ok(ok.url.startsWith(REDIRECT) || ok.html.includes('/confirm"'));
  });

  it('does not offer e-mail codes when the app asks for the stronger acr and the user has an authenticator', async () => {
    const user = await userWithEmailCodes('mail4@example.com');
    const deps = sesame.parts.deps;
    const { secret } = await beginTotpEnrolment(deps, user, 'test');
    const code = await totpNow(sesame, secret);
    assert.ok(await confirmTotpEnrolment(deps, { userId: user.id, owner: 'test', code, actor: 'test' }));
    const { page } = await toMfaPage('mail4@example.com', { acr_values: ACR.mfa });
    assert.ok(!page.html.includes('/mfa/send'), 'no e-mail option');
    assert.ok(page.html.includes('totp-code'), 'the authenticator is asked for');
    assert.ok(!page.html.includes('totp-secret'), 'and nothing is enrolled');
    const second = await toMfaPage('mail4@example.com', { acr_values: ACR.mfa });
    const since = sesame.mail.messages.length;
    const csrf = /name="csrf" value="([^"]+)"/.exec(second.page.html)?.[1] ?? '';
    const forced = await second.started.browser.request(`${second.page.url}/send`, {
      method: 'POST',
      body: new URLSearchParams({ csrf }),
    });
    assert.match(await forced.text(), /cannot be used here/, 'no code is mailed where none is offered');
    assert.equal(sesame.mail.messages.length, since);
  });

  it('limits code e-mails per user per hour across fresh sign-ins (e-mail bombing)', async () => {
    await userWithEmailCodes('bomb@example.com');
    const limit = sesame.config.mfa.emailMaxSendsPerUserHour;
    const since = sesame.mail.messages.length;
    for (let i = 0; i < limit; i++) {
      const { started, page } = await toMfaPage('bomb@example.com');
      const sent = await started.browser.submit(page, '/mfa/send', {});
      assert.ok(sent.html.includes('We sent a code'), `send ${i + 1} of ${limit}`);
    }
    const { started, page } = await toMfaPage('bomb@example.com');
    const refused = await started.browser.submit(page, '/mfa/send', {});
    assert.match(refused.html, /Too many codes/);
    await sesame.mail.next('bomb@example.com', since + limit - 1);
    const mails = sesame.mail.messages.slice(since).filter((m) => m.to.includes('bomb@example.com'));
    assert.equal(mails.length, limit);
  });

  it('never logs the code or its hash', async () => {
    const log = sesame.logs.join('\n');
    for (const m of sesame.mail.messages) {
      const code = /sign-in code is (\d{6})/.exec(m.text)?.[1];
      if (code) assert.ok(!new RegExp(`(?<![\\w-])${code}(?![\\w-])`).test(log), 'code absent from logs');
    }
    assert.ok(!log.includes('codeHash'));
  });
});
