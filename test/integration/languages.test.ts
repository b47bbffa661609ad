import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as oidc from 'openid-client';
import { setEmailCodes } from '../../functions/domain/credentials/email-code/strategy.ts';
import { FormClient } from '../support/browserless.ts';
import { submitCode } from '../support/mfa.ts';
import { addUser, PASSWORD, REDIRECT, relyingParty, startLogin, submitLogin } from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

/** A browser that sends the same Accept-Language with every request, as a real one does. */
class SpeakingBrowser extends FormClient {
  constructor(private readonly language: string) {
    super();
  }

  override request(url: string, init: Parameters<FormClient['request']>[1] = {}) {
    return super.request(url, { ...init, headers: { 'accept-language': this.language, ...init.headers } });
  }
}

const langOf = (html: string) => /<html lang="([^"]+)">/.exec(html)?.[1];

/**
 * The pages' language (README, "Languages"): the app's `ui_locales` for the sign-in, kept for every
 * step of it; else the browser's Accept-Language; else English.
 */
describe('the language of the pages', () => {
  let sesame: RunningSesame;
  let strict: oidc.Configuration;
  let plain: oidc.Configuration;
  const anke = 'anke@example.nl';

  before(async () => {
    sesame = await startSesame();
    ({ config: strict } = await relyingParty(sesame, {
      clientId: 'taal-app',
      name: 'Winkel',
      requireMfa: true,
      firstParty: false,
    }));
    ({ config: plain } = await relyingParty(sesame, { clientId: 'plain-app' }));
    const user = await addUser(sesame, anke, { name: 'Anke' });
    await setEmailCodes(sesame.parts.deps, { userId: user.id, enabled: true, actor: 'test' });
  });
  after(() => sesame.close());

  it('renders the sign-in in Dutch for ui_locales=nl, and keeps its errors, second step, e-mail and consent Dutch', async () => {
    // No Accept-Language at all: the app's ui_locales alone decides, on every step of the sign-in.
    const started = await startLogin(strict, { ui_locales: 'nl' });
    assert.equal(langOf(started.page.html), 'nl');
    assert.match(started.page.html, /<title>Inloggen · Sesame<\/title>/);
    assert.match(started.page.html, /om verder te gaan naar <strong>Winkel<\/strong>/);
    assert.match(started.page.html, /<label for="password">Wachtwoord<\/label>/);
    assert.match(started.page.html, /Wachtwoord vergeten\?/);
    assert.match(started.page.html, /data-show-password="Wachtwoord tonen"/);

    const wrong = await submitLogin(started, anke, 'not the password at all');
    assert.equal(langOf(wrong.html), 'nl');
    assert.match(wrong.html, /<title>Fout: Inloggen · Sesame<\/title>/);
    assert.match(wrong.html, /role="alert" id="form-error">Het e-mailadres of wachtwoord is onjuist/);
    assert.match(wrong.html, /aria-describedby="form-error"/);

    const mfa = await started.browser.submit(wrong, '/login', { email: anke, password: PASSWORD }, REDIRECT);
    assert.match(mfa.url, /\/mfa$/);
    assert.equal(langOf(mfa.html), 'nl');
    assert.match(mfa.html, /<h1>Verificatie in twee stappen<\/h1>/);
    assert.match(mfa.html, /Stuur een code naar a•••@example\.nl/);

    const since = sesame.mail.messages.length;
    const sent = await started.browser.submit(mfa, '/mfa/send', {});
    assert.match(sent.html, /We hebben een code naar je e-mailadres gestuurd/);
    const mail = await sesame.mail.next(anke, since);
    assert.equal(mail.subject, 'Je Sesame-inlogcode');
    const code = /Je inlogcode is (\d{6})/.exec(mail.text)?.[1] ?? '';
    assert.ok(code, 'the Dutch e-mail carries the code');

    const badCode = await submitCode(started, sent, 'email', code === '000000' ? '111111' : '000000');
    assert.equal(badCode.status, 400);
    assert.match(badCode.html, /<title>Fout: Verificatie in twee stappen · Sesame<\/title>/);
    assert.match(badCode.html, /De code uit de e-mail is onjuist of verlopen/);
    assert.match(badCode.html, /aria-invalid="true"/);

    const consent = await submitCode(started, badCode, 'email', code);
    assert.equal(langOf(consent.html), 'nl');
    assert.match(consent.html, /<h1>Toegang geven\?<\/h1>/);
    assert.match(consent.html, /<li>Te weten wie je bent<\/li>/);
    assert.match(consent.html, />Toestaan<\/button>/);
    const back = await started.browser.submit(consent, '/confirm', {}, REDIRECT);
    assert.ok(back.url.startsWith(REDIRECT), 'the Dutch sign-in finishes like any other');
  });

  it('follows Accept-Language without ui_locales: de-DE,de;q=0.9 gives German, an unsupported language English', async () => {
    const german = await startLogin(plain, {}, new SpeakingBrowser('de-DE,de;q=0.9'));
    assert.equal(langOf(german.page.html), 'de');
    assert.match(german.page.html, /<title>Anmelden · Sesame<\/title>/);
    assert.match(german.page.html, /Passwort vergessen\?/);
    const wrong = await submitLogin(german, anke, 'not the password at all');
    assert.match(wrong.html, /<title>Fehler: Anmelden · Sesame<\/title>/);
    assert.match(wrong.html, /Die E-Mail-Adresse oder das Passwort ist falsch/);

    for (const language of ['fr-FR,fr;q=0.9', 'ja', '*;q=0']) {
      const other = await startLogin(plain, {}, new SpeakingBrowser(language));
      assert.equal(langOf(other.page.html), 'en', language);
      assert.match(other.page.html, /Forgot your password\?/, language);
    }
    const silent = await startLogin(plain);
    assert.equal(langOf(silent.page.html), 'en', 'no Accept-Language: English');
  });

  it('lets ui_locales win over Accept-Language, passing over languages it does not speak', async () => {
    const first = await startLogin(plain, { ui_locales: 'fr-CA de' }, new SpeakingBrowser('nl'));
    assert.equal(langOf(first.page.html), 'de');
    const none = await startLogin(plain, { ui_locales: 'fr' }, new SpeakingBrowser('nl'));
    assert.equal(langOf(none.page.html), 'nl', 'no supported ui_locales: the browser’s language');
  });

  it('speaks the browser’s language outside a sign-in, and says the page varies by it', async () => {
    const home = await fetch(`${sesame.issuer}/`, { headers: { 'accept-language': 'nl-BE,nl;q=0.9' } });
    const homeHtml = await home.text();
    assert.equal(langOf(homeHtml), 'nl');
    assert.match(homeHtml, /<h1>Inlogdienst Sesame<\/h1>/);
    assert.match(home.headers.get('vary') ?? '', /Accept-Language/i);

    const missing = await fetch(`${sesame.issuer}/nowhere`, { headers: { 'accept-language': 'de' } });
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /<h1>Hier gibt es keine Seite<\/h1>/);

    const broken = await fetch(`${sesame.issuer}/auth?client_id=nobody&response_type=code&scope=openid`, {
      headers: { 'accept-language': 'nl' },
    });
    const brokenHtml = await broken.text();
    assert.equal(broken.status, 400);
    assert.match(brokenHtml, /<h1>Dit inlogverzoek kan niet verder<\/h1>/);
    assert.match(brokenHtml, /Foutcode: <code>invalid_client<\/code>/);
  });

  it('asks to sign out in the language of the logout request’s ui_locales, and says goodbye in the browser’s', async () => {
    const browser = new SpeakingBrowser('nl');
    await addUser(sesame, 'bram@example.nl', { name: 'Bram' });
    const started = await startLogin(plain, {}, browser);
    const afterLogin = await submitLogin(started, 'bram@example.nl', PASSWORD);
    // offline_access is asked for, so even a first-party app shows the consent page.
    const signedIn = afterLogin.html.includes('/confirm"')
      ? await browser.submit(afterLogin, '/confirm', {}, REDIRECT)
      : afterLogin;
    assert.ok(signedIn.url.startsWith(REDIRECT), 'signed in');
    const ask = await browser.follow(`${sesame.issuer}/session/end?ui_locales=de`);
    assert.equal(ask.status, 200);
    assert.equal(langOf(ask.html), 'de');
    assert.match(ask.html, /<h1>Abmelden\?<\/h1>/);
    assert.match(ask.html, />Ja, abmelden<\/button>/);
    // The signed-out page that follows has no ui_locales of its own (RP-Initiated Logout §2 puts it
    // on the request only): it speaks the browser's language.
    const done = await browser.submit(ask, '/session/end/confirm', { logout: 'yes' });
    assert.equal(langOf(done.html), 'nl');
    assert.match(done.html, /<h1>Uitgelogd<\/h1>/);
  });
});
