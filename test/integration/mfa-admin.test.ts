import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { COMMANDS } from '../../functions/cli/commands.ts';
import { readTotp } from '../../functions/domain/credentials/totp/item.ts';
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
} from '../../functions/domain/credentials/totp/strategy.ts';
import { audits, totpNow } from '../support/mfa.ts';
import { addUser, PASSWORD, relyingParty, signIn, startLogin, submitLogin } from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

function run(sesame: RunningSesame, noun: string, verb: string, values: Record<string, unknown>) {
  const command = COMMANDS.find((c) => c.noun === noun && c.verb === verb);
  assert.ok(command, `${noun} ${verb} exists`);
  return command.run(sesame.parts, sesame.config, values) as Promise<Record<string, unknown>>;
}

describe('admin CLI: MFA requirements and reset', () => {
  let sesame: RunningSesame;
  before(async () => {
    sesame = await startSesame();
  });
  after(() => sesame.close());

  it('requires MFA for an app with client update, and for a user with user update', async () => {
    const { config } = await relyingParty(sesame, { clientId: 'cli-app' });
    await addUser(sesame, 'cli1@example.com');
    const passwordOnly = await submitLogin(await startLogin(config), 'cli1@example.com', PASSWORD);
    assert.ok(!passwordOnly.url.endsWith('/mfa'));
    assert.deepEqual(await run(sesame, 'client', 'update', { id: 'cli-app', 'require-mfa': 'true' }), {
      client_id: 'cli-app',
      require_mfa: true,
      member_invites: false,
      admin_api: null,
      backchannel_logout_uri: null,
      logo: null,
      color: null,
    });
    assert.ok(
      (await submitLogin(await startLogin(config), 'cli1@example.com', PASSWORD)).url.endsWith('/mfa'),
    );
    await run(sesame, 'client', 'update', { id: 'cli-app', 'require-mfa': 'false' });
    await run(sesame, 'user', 'update', { email: 'cli1@example.com', 'require-mfa': 'true' });
    assert.ok(
      (await submitLogin(await startLogin(config), 'cli1@example.com', PASSWORD)).url.endsWith('/mfa'),
    );
  });

  it('resets a user\u2019s factors and audits it; show never returns a secret', async () => {
    const user = await addUser(sesame, 'cli2@example.com');
    const { secret } = await beginTotpEnrolment(sesame.parts.deps, user, 'test');
    const code = await totpNow(sesame, secret);
    await confirmTotpEnrolment(sesame.parts.deps, { userId: user.id, owner: 'test', code, actor: 'test' });
    const shown = await run(sesame, 'user', 'show', { email: 'cli2@example.com' });
    assert.deepEqual(shown.mfa, {
      passkey: { on: false },
      totp: { on: true },
      email: { on: false },
      recovery: { on: false, left: 0 },
    });
    assert.ok(!JSON.stringify(shown).includes(secret));
    await run(sesame, 'user', 'reset-mfa', { email: 'cli2@example.com' });
    assert.equal(await readTotp(sesame.parts.deps, user.id), null);
    assert.equal(audits(sesame, 'mfa.reset', user.id).length, 1);
  });

  it('ends the user\u2019s sessions and refresh tokens with the reset, as a password reset does', async () => {
    const { config } = await relyingParty(sesame, { clientId: 'cli-reset-app' });
    await addUser(sesame, 'cli3@example.com');
    const { tokens } = await signIn(config, 'cli3@example.com', PASSWORD, { prompt: 'consent' });
    assert.ok(tokens.refresh_token);
    sesame.clock.set(new Date(Date.now() + 1000)); // the test clock, a second past the sign-in
    await run(sesame, 'user', 'reset-mfa', { email: 'cli3@example.com' });
    await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token), (err: { error?: string }) => {
      assert.equal(err.error, 'invalid_grant');
      return true;
    });
  });
});
