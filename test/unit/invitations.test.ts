import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OPERATOR } from '../../functions/domain/admin/actor.ts';
import { addTenant } from '../../functions/domain/admin/federation.ts';
import { inviteUser } from '../../functions/domain/admin/invitations.ts';
import { invitationMail, openInvitation } from '../../functions/domain/invitations.ts';
import { memoryMfa } from '../support/mfa-memory.ts';

describe('invitations', () => {
  it('escapes names in the e-mail’s HTML (Eta), and keeps them readable in the text', async () => {
    const mail = await invitationMail({
      to: 'x@example.com',
      inviter: { name: 'Eve <script>' },
      tenant: '<b>Acme</b> & Co',
      app: null,
      link: 'https://id.example.com/invitation/acme.a.b',
      expiresAt: Date.UTC(2026, 0, 8),
    });
    assert.ok(!mail.html.includes('<script>') && !mail.html.includes('<b>Acme</b>'));
    assert.match(mail.html, /&lt;b&gt;Acme&lt;\/b&gt; &amp; Co/);
    assert.match(mail.text, /<b>Acme<\/b> & Co/);
  });

  it('opens only a well-formed link whose secret matches, never by id alone', async () => {
    const m = await memoryMfa();
    await addTenant(m.deps, OPERATOR, { id: 'acme', name: 'Acme' });
    const invited = await inviteUser(m.deps, OPERATOR, { tenantId: 'acme', email: 'ivy@acme.example' });
    const mailed = m.mailer.sent.at(-1)?.text ?? '';
    const token = /\/invitation\/(\S+)/.exec(mailed)?.[1] ?? '';
    assert.equal((await openInvitation(m.deps, token))?.id, invited.id);
    const [tenant, id, secret = ''] = token.split('.');
    const otherSecret = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [
      `${tenant}.${id}.${otherSecret}`,
      `other.${id}.${secret}`,
      `${tenant}.${id}`,
      `${token}.x`,
      '',
      `${tenant}.${id}.${secret}\n`,
    ])
      assert.equal(await openInvitation(m.deps, bad), null, JSON.stringify(bad));
  });
});
