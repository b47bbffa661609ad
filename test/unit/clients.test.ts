import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACCOUNT_CLIENT_ID, buildClient, InvalidClient } from '../../functions/domain/clients.ts';

const now = new Date('2026-01-01T00:00:00Z');
const build = (reg: Partial<Parameters<typeof buildClient>[0]>) =>
  buildClient({ clientId: 'shop', redirectUris: ['https://shop.example/cb'], ...reg }, now);

describe('app registration rules', () => {
  it('builds a confidential code-flow app with a generated secret', () => {
    const { client, clientSecret } = build({ roles: ['buyer', 'buyer'] });
    assert.ok(clientSecret && clientSecret.length >= 43);
    assert.deepEqual(client.roles, ['buyer']);
    assert.deepEqual(client.metadata.grant_types, ['authorization_code', 'refresh_token']);
    assert.equal(client.metadata.token_endpoint_auth_method, 'client_secret_basic');
  });

  it('refuses the id reserved for the account page, bad ids and unsafe redirect URIs', () => {
    for (const reg of [
      { clientId: ACCOUNT_CLIENT_ID },
      { clientId: 'a' },
      { clientId: 'has space' },
      { redirectUris: ['http://shop.example/cb'] },
      { redirectUris: ['https://shop.example/cb#frag'] },
      { redirectUris: ['https://user:pw@shop.example/cb'] },
      { redirectUris: ['/relative'] },
      { redirectUris: [], clientCredentials: false },
      { public: true, clientCredentials: true },
      { roles: ['1st'] },
    ]) {
      assert.throws(() => build(reg), InvalidClient, JSON.stringify(reg));
    }
  });

  it('allows plain http only on loopback', () => {
    assert.doesNotThrow(() => build({ redirectUris: ['http://127.0.0.1:8080/cb', 'http://localhost/cb'] }));
  });
});
