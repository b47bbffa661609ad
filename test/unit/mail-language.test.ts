import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sendEmailCode, setEmailCodes } from '../../functions/domain/credentials/email-code/strategy.ts';
import { invitationMail } from '../../functions/domain/invitations.ts';
import { letter } from '../../functions/domain/letters.ts';
import { endAllSessions, switchEmailCodes } from '../../functions/domain/mfa/settings.ts';
import { requestPasswordReset } from '../../functions/domain/password-reset.ts';
import { memoryMfa } from '../support/mfa-memory.ts';

/** The e-mails go in the language of the page that caused them, and in English without one. */
describe('the language of the e-mails', () => {
  it('sends the sign-in code in the sign-in’s language', async () => {
    const m = await memoryMfa();
    await setEmailCodes(m.deps, { userId: m.user.id, enabled: true, actor: 't' });
    await sendEmailCode(m.deps, { uid: 'sign-in-1', user: m.user, locale: 'nl' });
    const mail = m.mailer.sent.at(-1);
    assert.equal(mail?.subject, 'Je Sesame-inlogcode');
    assert.match(mail?.text ?? '', /Je inlogcode is \d{6}/);
    assert.match(mail?.html ?? '', /Je inlogcode is <strong>\d{6}<\/strong>/);
  });

  it('sends the reset code in the sign-in’s language, and English by default', async () => {
    const m = await memoryMfa();
    const request = (uid: string, locale?: 'de') =>
      requestPasswordReset(m.deps, {
        uid,
        email: m.user.email,
        interactionExpiresAt: m.clock.now().getTime() + 3_600_000,
        ...(locale ? { locale } : {}),
      });
    await request('reset-1', 'de');
    assert.equal(m.mailer.sent.at(-1)?.subject, 'Ihr Sesame-Passwort zurücksetzen');
    assert.match(m.mailer.sent.at(-1)?.text ?? '', /Ihr Code zum Zurücksetzen lautet \d{8}/);
    await request('reset-2');
    assert.equal(m.mailer.sent.at(-1)?.subject, 'Resetting your Sesame password');
  });

  it('tells of account changes in the language of the account page', async () => {
    const m = await memoryMfa();
    await endAllSessions(m.deps, { userId: m.user.id, locale: 'de' });
    assert.equal(m.mailer.sent.at(-1)?.subject, 'Ihr Sesame-Konto wurde geändert');
    await switchEmailCodes(m.deps, m.user.id, true, 'nl');
    assert.match(m.mailer.sent.at(-1)?.text ?? '', /^Inlogcodes per e-mail zijn aangezet/);
    await switchEmailCodes(m.deps, m.user.id, false);
    assert.match(m.mailer.sent.at(-1)?.text ?? '', /^Sign-in codes by e-mail were turned off/);
  });

  it('sends invitations in English: whoever invites does not know the invitee’s language', async () => {
    const mail = await invitationMail({
      to: 'ivy@example.com',
      inviter: 'administrator',
      tenant: 'Acme',
      app: 'Shop',
      link: 'https://id.example.com/invitation/x',
      expiresAt: Date.UTC(2026, 0, 8),
    });
    assert.equal(mail.subject, 'Invitation to Acme');
    assert.match(mail.text, /^An administrator invites you to Acme at Sesame, to use Shop\./);
    assert.match(mail.html, /<strong>Acme<\/strong> at Sesame, to use <strong>Shop<\/strong>/);
  });

  it('escapes what it fills in, in the HTML part only', () => {
    const mail = letter('x@example.com', 'S', [{ text: 'Hello {name}', values: { name: '<b>&' } }, 'Bye']);
    assert.equal(mail.text, 'Hello <b>&\n\nBye');
    assert.match(mail.html, /<p>Hello <strong>&lt;b&gt;&amp;<\/strong><\/p>\n<p>Bye<\/p>/);
  });
});
