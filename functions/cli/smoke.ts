import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import * as oidc from 'openid-client';
import { FormClient } from './form-client.ts';
import { runCommand } from './run.ts';

/**
 * `npm run smoke -- --issuer URL`: a black-box end-to-end check of any running Sesame (npm start,
 * LocalStack or AWS). It creates a throw-away app and user through the admin CLI path (so the
 * CLI must reach the same store: the local one by default, or AWS_ENDPOINT_URL / SESAME_USE_AWS
 * plus SESAME_TABLE_*), then signs in with code + PKCE through the HTML form and refreshes.
 */
const REDIRECT = 'http://127.0.0.1:9/smoke-callback';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { issuer: { type: 'string' } }, strict: true });
  const issuer = values.issuer ?? process.env.SESAME_ISSUER ?? 'http://localhost:3000';
  const tag = randomBytes(4).toString('hex');
  const step = (name: string) => process.stderr.write(`smoke: ${name}\n`);

  step('discovery');
  const insecure = issuer.startsWith('http:') ? [oidc.allowInsecureRequests] : [];
  await oidc.discovery(new URL(issuer), 'probe', undefined, undefined, { execute: insecure });

  step('creating an app and a user through the admin CLI');
  const client = (await runCommand([
    'client',
    'add',
    '--id',
    `smoke-${tag}`,
    '--redirect-uri',
    REDIRECT,
    '--roles',
    'smoke',
  ])) as {
    client_secret: string;
  };
  const email = `smoke-${tag}@example.com`;
  const user = (await runCommand([
    'user',
    'add',
    '--email',
    email,
    '--name',
    'Smoke Test',
    '--generate-password',
  ])) as { password: string };
  await runCommand(['role', 'grant', '--email', email, '--client', `smoke-${tag}`, '--role', 'smoke']);

  const config = await oidc.discovery(new URL(issuer), `smoke-${tag}`, client.client_secret, undefined, {
    execute: insecure,
  });
  step('code + PKCE sign-in through the login form');
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid email profile roles offline_access',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    // OIDC Core §11: offline_access (a refresh token) is only honoured together with prompt=consent.
    prompt: 'consent',
  });
  const browser = new FormClient();
  const loginPage = await browser.follow(url.href, {}, REDIRECT);
  const afterLogin = await browser.submit(loginPage, '/login', { email, password: user.password }, REDIRECT);
  const callback = afterLogin.html.includes('/confirm"')
    ? await browser.submit(afterLogin, '/confirm', {}, REDIRECT)
    : afterLogin;
  if (!callback.url.startsWith(REDIRECT))
    throw new Error(`sign-in did not come back to the app (HTTP ${callback.status})`);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(callback.url), {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
  const claims = tokens.claims();
  if (!claims || claims.email !== email || JSON.stringify(claims.roles) !== '["smoke"]')
    throw new Error('unexpected ID token claims');
  if (!tokens.refresh_token) throw new Error('no refresh token issued');

  step('refresh token rotation');
  const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
  if (!refreshed.refresh_token || refreshed.refresh_token === tokens.refresh_token)
    throw new Error('refresh token was not rotated');

  process.stdout.write(
    `${JSON.stringify({ ok: true, issuer, client_id: `smoke-${tag}`, sub: claims.sub, roles: claims.roles })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stdout.write(
    `${JSON.stringify({ ok: false, error: err instanceof Error ? err.message : String(err) })}\n`,
  );
  process.exit(1);
});
