import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addUser, PASSWORD, relyingParty, startLogin, submitLogin } from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

/** The pages nobody plans to land on: the issuer's root, a wrong address, a broken app's request. */
describe('no dead ends, no library wording', () => {
  let sesame: RunningSesame;
  let app: Awaited<ReturnType<typeof relyingParty>>['config'];
  before(async () => {
    sesame = await startSesame();
    ({ config: app } = await relyingParty(sesame, { clientId: 'pages-app' }));
  });
  after(() => sesame.close());

  const get = async (path: string) => {
    const res = await fetch(`${sesame.issuer}${path}`, { redirect: 'manual' });
    return { status: res.status, type: res.headers.get('content-type') ?? '', html: await res.text() };
  };

  it('says what Sesame is at the issuer’s root, with the way to one’s account', async () => {
    const root = await get('/');
    assert.equal(root.status, 200);
    assert.match(root.html, /<html lang="en">/);
    assert.match(root.html, /<title>Sign-in service · Sesame<\/title>/);
    assert.match(root.html, /href="\/account"/);
  });

  it('answers an unknown address with a page in Sesame’s look and a way forward', async () => {
    const missing = await get('/no/such/page');
    assert.equal(missing.status, 404);
    assert.match(missing.type, /text\/html/);
    assert.match(missing.html, /<html lang="en">/);
    assert.match(missing.html, /There is no page here/);
    assert.match(missing.html, /href="\/account"/);
  });

  it('words a broken app’s request for people, keeping the code', async () => {
    const unknownApp = await get(
      '/auth?client_id=no-such-app&response_type=code&scope=openid&redirect_uri=https%3A%2F%2Fx.example%2Fcb',
    );
    assert.equal(unknownApp.status, 400);
    assert.match(unknownApp.html, /not known to this sign-in service/);
    assert.doesNotMatch(unknownApp.html, /client is invalid/);
    assert.match(unknownApp.html, /<code>invalid_client<\/code>/);
    const wrongReturn = await get(
      '/auth?client_id=pages-app&response_type=code&scope=openid&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&code_challenge=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG&code_challenge_method=S256',
    );
    assert.equal(wrongReturn.status, 400);
    assert.match(wrongReturn.html, /an address it has not registered/);
    assert.doesNotMatch(wrongReturn.html, /redirect_uri did not match/);
    assert.match(wrongReturn.html, /href="\/account"/, 'and a way forward');
  });

  it('says who is signed in on the consent page, with a way out for someone else', async () => {
    await addUser(sesame, 'carla@example.com');
    const started = await startLogin(app, { prompt: 'consent' });
    const consent = await submitLogin(started, 'carla@example.com', PASSWORD);
    assert.match(consent.html, /Allow access\?/);
    assert.match(
      consent.html,
      /Signed in as <strong>carla@example.com<\/strong> · <a href="\/session\/end">Not you\?<\/a>/,
    );
  });

  it('says who is signed in when asked to sign in again, and on the logout page', async () => {
    await addUser(sesame, 'dana@example.com');
    const started = await startLogin(app);
    const done = await submitLogin(started, 'dana@example.com', PASSWORD);
    assert.match(done.url, /^http:\/\/127\.0\.0\.1:9\/callback/, 'signed in');
    const again = await startLogin(app, { prompt: 'login' }, started.browser);
    assert.match(again.page.html, /id="email"/, 'the login page, despite the session');
    assert.match(
      again.page.html,
      /Signed in as <strong>dana@example.com<\/strong> · <a href="\/session\/end">Not you\?<\/a>/,
    );
    const fresh = await startLogin(app);
    assert.doesNotMatch(fresh.page.html, /signed-in-as/, 'a browser without a session names nobody');

    const logout = await started.browser.follow(`${sesame.issuer}/session/end`);
    assert.match(logout.html, /Sign out\?/);
    assert.match(logout.html, /Signed in as <strong>dana@example.com<\/strong>/);
  });
});
