import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as oidc from 'openid-client';
import { createUser } from '../../functions/domain/accounts.ts';
import { OPERATOR } from '../../functions/domain/admin/actor.ts';
import { updateTenant } from '../../functions/domain/admin/delegation.ts';
import { addTenant } from '../../functions/domain/admin/federation.ts';
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
} from '../../functions/domain/credentials/totp/strategy.ts';
import type { Page } from '../support/browserless.ts';
import { audits, totpNow } from '../support/mfa.ts';
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

const NEW_PASSWORD = 'a completely new passphrase';

/** "Forgot your password?" through the sign-in pages, with the real SMTP catcher for the codes. */
describe('resetting a forgotten password', () => {
  let sesame: RunningSesame;
  let app: oidc.Configuration;

  before(async () => {
    sesame = await startSesame();
    ({ config: app } = await relyingParty(sesame, { clientId: 'shop' }));
  });
  after(() => sesame.close());

  /** From a fresh sign-in: the forgot page, the address posted; returns the code page and the mail. */
  async function ask(email: string): Promise<{ started: Started; page: Page; mail: string }> {
    const started = await startLogin(app);
    assert.match(started.page.html, /Forgot your password\?/);
    const forgot = await started.browser.follow(`${interactionUrl(started.page)}/forgot`);
    assert.equal(forgot.status, 200);
    const since = sesame.mail.messages.length;
    const page = await started.browser.submit(forgot, '/forgot', { email });
    const mail = (await sesame.mail.next(email, since)).text;
    return { started, page, mail };
  }
  const codeIn = (mail: string) => /reset code is (\d{8})/.exec(mail)?.[1] ?? '';

  it('mails a code, takes it once, sets a policy-abiding password, lifts a lock and ends every session', {
    timeout: 60_000,
  }, async () => {
    const user = await addUser(sesame, 'forgetful@example.com');
    for (let i = 0; i < 3; i++) await submitLogin(await startLogin(app), user.email, 'wrong password guess');
    assert.ok((await sesame.parts.deps.users.findById(user.id))?.lockedUntil, 'locked');

    const { started, page, mail } = await ask(user.email);
    assert.match(page.html, /Enter the code/);
    const code = codeIn(mail);
    assert.ok(code, 'the mail carries an eight-digit code');
    const wrong = await started.browser.submit(page, '/reset/code', { code: '00000000' });
    assert.equal(wrong.status, 400);
    assert.match(wrong.html, /not right/);
    assert.match(wrong.html, /<title>Error: /);
    const passwordPage = await started.browser.submit(wrong, '/reset/code', { code });
    assert.match(passwordPage.html, /Choose a new password/);
    assert.doesNotMatch(passwordPage.html, /authenticator/, 'no second factor to ask for');
    assert.match(
      passwordPage.html,
      /id="password-rules">At least 12 characters/,
      'the rules before submitting',
    );
    assert.match(passwordPage.html, /aria-describedby="password-rules"/);
    const weak = await started.browser.submit(passwordPage, '/reset/password', {
      password: 'short',
      password2: 'short',
    });
    assert.equal(weak.status, 400);
    assert.match(weak.html, /at least 12 characters/);
    const done = await started.browser.submit(weak, '/reset/password', {
      password: NEW_PASSWORD,
      password2: NEW_PASSWORD,
    });
    assert.match(done.html, /Your password was changed/);
    const again = await started.browser.submit(weak, '/reset/password', {
      password: 'x'.repeat(20),
      password2: 'x'.repeat(20),
    });
    assert.equal(again.status, 400, 'single use');

    const stored = await sesame.parts.deps.users.findById(user.id);
    assert.equal(stored?.lockedUntil, null, 'the lock is lifted');
    assert.ok(stored?.credentialsChangedAt, 'every earlier session and refresh token ends');
    const signedIn = await submitLogin(await startLogin(app), user.email, NEW_PASSWORD);
    assert.ok(signedIn.url.startsWith(REDIRECT), 'signs in with the new password');
    assert.equal(audits(sesame, 'password.reset', user.id).length, 1);
    assert.ok((await sesame.mail.next(user.email, 0)).text.length > 0);
  });

  it('looks the same for an address without an account, whose mail says so and whose codes never work', {
    timeout: 60_000,
  }, async () => {
    const known = await addUser(sesame, 'known@example.com');
    const a = await ask(known.email);
    const b = await ask('nobody-here@example.com');
    const strip = (html: string) =>
      html.replace(/value="[^"]*"|\/interaction\/[\w-]+|<strong>[^<]*<\/strong>/g, '');
    assert.equal(a.page.status, b.page.status);
    assert.equal(strip(a.page.html), strip(b.page.html), 'the same page');
    assert.match(b.mail, /No Sesame account uses this address/);
    assert.equal(codeIn(b.mail), '');
    const guess = await b.started.browser.submit(b.page, '/reset/code', { code: codeIn(a.mail) });
    assert.equal(guess.status, 400, 'another reset’s code does not work here');
  });

  it('asks an account with an authenticator for it before the new password takes', {
    timeout: 60_000,
  }, async () => {
    const user = await addUser(sesame, 'guarded@example.com');
    const { secret } = await beginTotpEnrolment(sesame.parts.deps, user, 'test');
    assert.ok(
      await confirmTotpEnrolment(sesame.parts.deps, {
        userId: user.id,
        owner: 'test',
        code: await totpNow(sesame, secret),
        actor: 'test',
      }),
    );
    sesame.clock.advance(30_000);
    const { started, page, mail } = await ask(user.email);
    const passwordPage = await started.browser.submit(page, '/reset/code', { code: codeIn(mail) });
    assert.match(passwordPage.html, /protected by an authenticator app/);
    const without = await started.browser.submit(passwordPage, '/reset/password', {
      password: NEW_PASSWORD,
      password2: NEW_PASSWORD,
    });
    assert.match(without.html, /Enter a code from your authenticator app/);
    const wrong = await started.browser.submit(without, '/reset/password', {
      password: NEW_PASSWORD,
      password2: NEW_PASSWORD,
      method: 'totp',
      factorCode: '000000',
    });
    assert.match(wrong.html, /not right/);
    assert.equal(audits(sesame, 'password.reset', user.id).length, 0, 'a mailbox alone changed nothing');
    const done = await started.browser.submit(wrong, '/reset/password', {
      password: NEW_PASSWORD,
      password2: NEW_PASSWORD,
      method: 'totp',
      factorCode: await totpNow(sesame, secret),
    });
    assert.match(done.html, /Your password was changed/);
    assert.equal(audits(sesame, 'password.reset', user.id).length, 1);
  });

  it('throttles: one code a minute per sign-in, five wrong codes per code', { timeout: 60_000 }, async () => {
    const user = await addUser(sesame, 'throttled@example.com');
    const { started, page, mail } = await ask(user.email);
    const forgot = await started.browser.follow(`${interactionUrl(started.page)}/forgot`);
    const soon = await started.browser.submit(forgot, '/forgot', { email: user.email });
    assert.match(soon.html, /less than a minute ago/);
    let current = page;
    for (let i = 0; i < 5; i++)
      current = await started.browser.submit(current, '/reset/code', { code: '11111111' });
    const right = await started.browser.submit(current, '/reset/code', { code: codeIn(mail) });
    assert.match(right.html, /can no longer be used/, 'dead after five wrong codes');
  });

  it('tells a federation-only tenant’s user to use their organisation’s sign-in', {
    timeout: 60_000,
  }, async () => {
    const deps = sesame.parts.deps;
    await addTenant(deps, OPERATOR, { id: 'fedco', name: 'FedCo' });
    await updateTenant(deps, OPERATOR, { id: 'fedco', federationOnly: true });
    await createUser(deps, { email: 'sso@fedco.example', name: 'S', password: PASSWORD, tenantId: 'fedco' });
    const { mail } = await ask('sso@fedco.example');
    assert.match(mail, /organisation’s own sign-in/);
    assert.equal(codeIn(mail), '');
  });

  it('takes about as long for an address without an account as for one with', {
    timeout: 120_000,
  }, async () => {
    const rounds = 12;
    const time = async (email: string) => {
      const started = await startLogin(app);
      const forgot = await started.browser.follow(`${interactionUrl(started.page)}/forgot`);
      const t = performance.now();
      await started.browser.submit(forgot, '/forgot', { email });
      return performance.now() - t;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const user = await addUser(sesame, `timing-${i}@example.com`);
      known.push(await time(user.email));
      unknown.push(await time(`nobody-${i}@example.com`));
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
    const ratio = median(known) / median(unknown);
    assert.ok(ratio > 0.6 && ratio < 1.6, `median ratio ${ratio.toFixed(2)} (known ${median(known)} ms)`);
  });
});
