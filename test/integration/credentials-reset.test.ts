import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { setPassword } from '../../functions/domain/login.ts';
import { addUser, REDIRECT, relyingParty, signIn, startLogin } from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

describe('a password reset ends existing sessions and tokens', () => {
  let sesame: RunningSesame;
  let app: oidc.Configuration;
  before(async () => {
    sesame = await startSesame();
    ({ config: app } = await relyingParty(sesame, { clientId: 'reset-app' }));
  });
  after(() => sesame.close());

  it('refuses the old refresh token and asks the browser to sign in again', async () => {
    const user = await addUser(sesame, 'reset@example.com');
    const { started, tokens } = await signIn(app, 'reset@example.com', undefined, { prompt: 'consent' });
    assert.ok(tokens.refresh_token, 'a refresh token was issued');
    // Same browser, still signed in: prompt=none succeeds before the reset.
    const silent = await startLogin(app, { prompt: 'none' }, started.browser);
    assert.ok(silent.page.url.startsWith(REDIRECT) && new URL(silent.page.url).searchParams.has('code'));

    sesame.clock.set(new Date(Date.now() + 1000));
    await setPassword(sesame.parts.deps, {
      userId: user.id,
      password: 'a fresh passphrase now',
      actor: 'admin',
    });

    await assert.rejects(
      oidc.refreshTokenGrant(app, tokens.refresh_token),
      (err: Error & { error?: string }) => {
        assert.equal(err.error, 'invalid_grant');
        return true;
      },
    );
    const after = await startLogin(app, { prompt: 'none' }, started.browser);
    assert.equal(
      new URL(after.page.url).searchParams.get('error'),
      'login_required',
      `${after.page.status} ${after.page.html.slice(0, 800)}`,
    );
  });
});
