import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as oidc from 'openid-client';
import { readTotp } from '../../functions/domain/credentials/totp/item.ts';
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
} from '../../functions/domain/credentials/totp/strategy.ts';
import { ACR } from '../../functions/oidc/acr.ts';
import {
  audits,
  completeSignIn,
  recoveryCodesOnPage,
  secretOnPage,
  submitCode,
  totpNow,
} from '../support/mfa.ts';
import {
  addUser,
  interactionUrl,
  PASSWORD,
  REDIRECT,
  relyingParty,
  signIn,
  startLogin,
  submitLogin,
} from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

const WRONG =
  'The code from your authenticator app is incorrect or has expired, or the account is temporarily locked.';
const WRONG_RECOVERY =
  'The recovery code is incorrect or was used already, or the account is temporarily locked.';

describe('TOTP second factor, recovery codes and step-up', () => {
  let sesame: RunningSesame;
  let strict: oidc.Configuration;
  let plain: oidc.Configuration;

  before(async () => {
    sesame = await startSesame();
    ({ config: strict } = await relyingParty(sesame, { clientId: 'mfa-app', requireMfa: true }));
    ({ config: plain } = await relyingParty(sesame, { clientId: 'plain-app' }));
  });
  after(() => sesame.close());

  /** A user with a confirmed authenticator (enrolled through the domain); returns the secret. */
  async function userWithTotp(email: string): Promise<string> {
    const user = await addUser(sesame, email);
    const { secret } = await beginTotpEnrolment(sesame.parts.deps, user, 'test');
    const code = await totpNow(sesame, secret);
    assert.ok(
      await confirmTotpEnrolment(sesame.parts.deps, {
        userId: user.id,
        owner: 'test',
        code,
        actor: 'test',
      }),
    );
    sesame.clock.advance(30_000); // the enrolment code's step is used up
    return secret;
  }

  async function toMfaPage(config: oidc.Configuration, email: string, extra: Record<string, string> = {}) {
    const started = await startLogin(config, extra);
    const page = await submitLogin(started, email, PASSWORD);
    assert.match(page.url, /\/interaction\/[\w-]+\/mfa$/, 'the password step leads to the MFA page');
    return { started, page };
  }

  it('leads a user without a factor through enrolment when the app requires MFA, and tells the app', async () => {
    await addUser(sesame, 'enrol@example.com');
    const { started, page } = await toMfaPage(strict, 'enrol@example.com');
    assert.ok(page.html.includes('<img src="data:image/png;base64,'), 'QR code rendered server-side');
    const secret = secretOnPage(page);
    const wrong = await started.browser.submit(page, '/mfa/enrol', { code: '000000' });
    assert.match(wrong.html, /did not match/);
    const codesPage = await started.browser.submit(wrong, '/mfa/enrol', {
      code: await totpNow(sesame, secret),
    });
    const codes = recoveryCodesOnPage(codesPage);
    assert.equal(codes.length, 10);
    const download =
      /id="download-recovery-codes" download="sesame-recovery-codes.txt" href="data:text\/plain;charset=utf-8,([^"]+)"/.exec(
        codesPage.html,
      )?.[1];
    assert.ok(
      download && decodeURIComponent(download).includes(codes[9] as string),
      'downloadable, every code in it',
    );
    const done = await started.browser.submit(codesPage, '/mfa/continue', {}, REDIRECT);
    const tokens = await completeSignIn(strict, started, done);
    const claims = tokens.claims();
    assert.equal(claims?.acr, ACR.mfa);
    assert.deepEqual(claims?.amr, ['pwd', 'otp', 'mfa']);
    assert.equal(audits(sesame, 'mfa.totp.enrolled').length, 1);
  });

  it('signs in with a code computed by otplib and refuses the same code again (replay)', async () => {
    const secret = await userWithTotp('replay@example.com');
    const code = await totpNow(sesame, secret);
    const first = await toMfaPage(strict, 'replay@example.com');
    const tokens = await completeSignIn(
      strict,
      first.started,
      await submitCode(first.started, first.page, 'totp', code),
    );
    assert.equal(tokens.claims()?.acr, ACR.mfa);
    const second = await toMfaPage(strict, 'replay@example.com');
    const refused = await submitCode(second.started, second.page, 'totp', code);
    assert.ok(!refused.url.startsWith(REDIRECT), 'a used code must not sign in again');
    assert.match(refused.html, /already used\. Wait for the next code/, 'the message says why');
    const user = await sesame.parts.deps.users.findByEmailKey('replay@example.com');
    assert.equal(user?.failedAttempts, 0, 'a right code of a used step is not a guess');
    const wrong = await submitCode(second.started, refused, 'totp', code === '000000' ? '111111' : '000000');
    assert.ok(wrong.html.includes(WRONG));
    assert.equal((await sesame.parts.deps.users.findByEmailKey('replay@example.com'))?.failedAttempts, 1);
  });

  it('accepts the previous step but refuses a code from two steps ago', async () => {
    const secret = await userWithTotp('window@example.com');
    sesame.clock.advance(60_000); // so that the previous step is not the (used) enrolment step
    const old = await toMfaPage(strict, 'window@example.com');
    const refused = await submitCode(old.started, old.page, 'totp', await totpNow(sesame, secret, -2));
    assert.ok(refused.html.includes(WRONG));
    const prev = await submitCode(old.started, refused, 'totp', await totpNow(sesame, secret, -1));
    assert.ok(prev.url.startsWith(REDIRECT) || prev.html.includes('/confirm"'), 'previous step accepted');
  });

  it('locks the account after three wrong codes, like three wrong passwords', async () => {
    const secret = await userWithTotp('guess@example.com');
    const { started, page } = await toMfaPage(strict, 'guess@example.com');
    let current = page;
    for (const code of ['111111', '222222', '333333']) {
      current = await submitCode(started, current, 'totp', code);
      assert.ok(current.html.includes(WRONG));
    }
    const user = await sesame.parts.deps.users.findByEmailKey('guess@example.com');
    assert.equal(audits(sesame, 'account.locked', user?.id).length, 1);
    const right = await submitCode(started, current, 'totp', await totpNow(sesame, secret));
    assert.ok(!right.url.startsWith(REDIRECT), 'the right code is refused while locked');
    const again = await submitLogin(await startLogin(strict), 'guess@example.com', PASSWORD);
    assert.ok(!again.url.includes('/mfa'), 'the password step is locked too');
  });

  it('accepts a recovery code once', async () => {
    await addUser(sesame, 'recover@example.com');
    const { started, page } = await toMfaPage(strict, 'recover@example.com');
    const codesPage = await started.browser.submit(page, '/mfa/enrol', {
      code: await totpNow(sesame, secretOnPage(page)),
    });
    const [code] = recoveryCodesOnPage(codesPage);
    assert.ok(code);
    const first = await toMfaPage(strict, 'recover@example.com');
    const ok = await submitCode(first.started, first.page, 'recovery', code.toLowerCase());
    const tokens = await completeSignIn(strict, first.started, ok);
    assert.equal(tokens.claims()?.acr, ACR.mfa);
    assert.equal(audits(sesame, 'mfa.recovery_code.used').length, 1);
    const second = await toMfaPage(strict, 'recover@example.com');
    assert.ok(
      (await submitCode(second.started, second.page, 'recovery', code)).html.includes(WRONG_RECOVERY),
    );
  });

  it('cannot be skipped: the resume URL without the second factor issues no code', async () => {
    await userWithTotp('skip@example.com');
    const { started, page } = await toMfaPage(strict, 'skip@example.com');
    const uid = /\/interaction\/([\w-]+)\/mfa$/.exec(page.url)?.[1];
    const resumed = await started.browser.follow(`${sesame.issuer}/auth/${uid}`, {}, REDIRECT);
    assert.ok(!resumed.url.startsWith(REDIRECT), 'no redirect back to the app');
    const other = await startLogin(strict);
    const direct = await other.browser.follow(`${interactionUrl(other.page)}/mfa`);
    assert.equal(direct.status, 400, 'the MFA page of an interaction that passed no password is refused');
  });

  it('steps up an existing password session when the app sends acr_values, asking only for the code', async () => {
    await addUser(sesame, 'stepup@example.com');
    const { started, tokens } = await signIn(plain, 'stepup@example.com');
    assert.equal(tokens.claims()?.acr, ACR.password);
    assert.deepEqual(tokens.claims()?.amr, ['pwd']);
    const user = await sesame.parts.deps.users.findByEmailKey('stepup@example.com');
    assert.ok(user);
    const { secret } = await beginTotpEnrolment(sesame.parts.deps, user, 'test');
    await confirmTotpEnrolment(sesame.parts.deps, {
      userId: user.id,
      owner: 'test',
      code: await totpNow(sesame, secret),
      actor: 'test',
    });
    sesame.clock.advance(30_000);
    const up = await startLogin(plain, { acr_values: ACR.mfa }, started.browser);
    assert.match(up.page.url, /\/mfa$/, 'straight to the second factor');
    assert.ok(!up.page.html.includes('name="password"'));
    const done = await submitCode(up, up.page, 'totp', await totpNow(sesame, secret));
    const stepped = await completeSignIn(plain, up, done);
    assert.equal(stepped.claims()?.acr, ACR.mfa);
    assert.equal(stepped.claims()?.sub, tokens.claims()?.sub);
  });

  it('never logs a secret, code or hash', async () => {
    const log = sesame.logs.join('\n');
    const user = await sesame.parts.deps.users.findByEmailKey('replay@example.com');
    const stored = await readTotp(sesame.parts.deps, user?.id ?? '');
    assert.ok(stored);
    assert.ok(!log.includes(stored.secretSealed));
    assert.ok(!log.includes(await sesame.parts.deps.box.open(stored.secretSealed, `totp:${user?.id}`)));
    assert.ok(!/"(code|otp|secret)":"(?!\[redacted\])/.test(log));
  });
});
