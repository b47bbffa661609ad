import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  initialVersionToken,
  SecretNotProvisioned,
  SecretsManagerSecretStore,
} from '../../functions/adapters/secrets/secrets-manager.ts';

/**
 * A stand-in for Secrets Manager's versioning rules (no emulator is available offline): values per
 * secret, CreateSecret refuses an existing name, PutSecretValue refuses a different value under a token
 * that was already used. Enough to check the race-safety argument of the adapter.
 */
function fakeSecretsManager(initial: Record<string, string> = {}) {
  const values = new Map(Object.entries(initial));
  const tokens = new Map<string, string>();
  const named = (name: string) => Object.assign(new Error(name), { name });
  const send = async (cmd: unknown): Promise<unknown> => {
    if (cmd instanceof GetSecretValueCommand) {
      const v = values.get(String(cmd.input.SecretId));
      if (v === undefined) throw named('ResourceNotFoundException');
      return { SecretString: v };
    }
    if (cmd instanceof CreateSecretCommand) {
      const id = String(cmd.input.Name);
      if (values.has(id)) throw named('ResourceExistsException');
      values.set(id, String(cmd.input.SecretString));
      return {};
    }
    if (cmd instanceof PutSecretValueCommand) {
      const key = `${cmd.input.SecretId}#${cmd.input.ClientRequestToken}`;
      const seen = tokens.get(key);
      if (seen !== undefined && seen !== cmd.input.SecretString) throw named('ResourceExistsException');
      tokens.set(key, String(cmd.input.SecretString));
      values.set(String(cmd.input.SecretId), String(cmd.input.SecretString));
      return {};
    }
    throw new Error('unexpected command');
  };
  return { client: { send } as unknown as Pick<SecretsManagerClient, 'send'>, values };
}

const pending = JSON.stringify({ sesame: 'pending', nonce: 'x' });

describe('SecretsManagerSecretStore', () => {
  it('returns an existing value without generating', async () => {
    const { client } = fakeSecretsManager({ 'p/cookie-keys': '["k1"]' });
    const store = new SecretsManagerSecretStore(client, { prefix: 'p/' });
    assert.deepEqual(await store.getOrCreate('cookie-keys', () => assert.fail('no generation')), ['k1']);
  });

  it('fails closed on a pending secret when it may not create (the request-serving Lambda)', async () => {
    const { client } = fakeSecretsManager({ 'p/cookie-keys': pending });
    const store = new SecretsManagerSecretStore(client, { prefix: 'p/' });
    await assert.rejects(
      store.getOrCreate('cookie-keys', async () => ['k']),
      SecretNotProvisioned,
    );
  });

  it('fills a pending secret once, even when two generators race', async () => {
    const { client, values } = fakeSecretsManager({ 'p/cookie-keys': pending });
    const store = new SecretsManagerSecretStore(client, { prefix: 'p/', allowCreate: true });
    const [a, b] = await Promise.all([
      store.getOrCreate('cookie-keys', async () => ['first']),
      store.getOrCreate('cookie-keys', async () => ['second']),
    ]);
    assert.deepEqual(a, b);
    assert.equal(values.get('p/cookie-keys'), JSON.stringify(a));
  });

  it('creates a missing secret, and the loser of a creation race reads the winner', async () => {
    const { client } = fakeSecretsManager();
    const store = new SecretsManagerSecretStore(client, { prefix: 'p/', allowCreate: true });
    const [a, b] = await Promise.all([
      store.getOrCreate('oidc-signing-keys', async () => ({ keys: ['a'] })),
      store.getOrCreate('oidc-signing-keys', async () => ({ keys: ['b'] })),
    ]);
    assert.deepEqual(a, b);
  });

  it('uses a version token Secrets Manager accepts (32–64 characters)', () => {
    for (const name of ['cookie-keys', 'oidc-signing-keys', 'x'.repeat(80)]) {
      const t = initialVersionToken(name);
      assert.ok(t.length >= 32 && t.length <= 64, t);
    }
  });
});
