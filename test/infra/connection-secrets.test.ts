import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  cachedConnectionSecrets,
  SecretsManagerConnectionSecrets,
} from '../../functions/adapters/secrets/connection-secrets.ts';

const DATA_KEY = 'arn:aws:kms:eu-west-1:111111111111:key/data-key';

/**
 * A stand-in for Secrets Manager's rules, as far as the adapter relies on them (no Secrets Manager
 * emulator is available offline): CreateSecret refuses an existing name (also one scheduled for
 * deletion) and a KMS key it was not given is the account's default; PutSecretValue and
 * GetSecretValue need the secret to exist and refuse one scheduled for deletion; DeleteSecret
 * without ForceDeleteWithoutRecovery only schedules the deletion. Every command is recorded.
 */
function fakeSecretsManager() {
  type Secret = { versions: string[]; kmsKeyId: string; deleting: boolean };
  const secrets = new Map<string, Secret>([
    ['sesame/Prod/mfa-keys', { versions: ['{"aead":[]}'], kmsKeyId: DATA_KEY, deleting: false }],
  ]);
  const sent: string[] = [];
  const named = (name: string) => Object.assign(new Error(name), { name });
  const existing = (id: unknown) => {
    const secret = secrets.get(String(id));
    if (!secret) throw named('ResourceNotFoundException');
    return secret;
  };
  const usable = (id: unknown) => {
    const secret = existing(id);
    if (secret.deleting) throw named('InvalidRequestException');
    return secret;
  };
  const send = async (cmd: unknown): Promise<unknown> => {
    sent.push((cmd as object).constructor.name);
    // Let concurrent callers interleave, as network calls do.
    await new Promise((resolve) => setImmediate(resolve));
    if (cmd instanceof GetSecretValueCommand)
      return { SecretString: usable(cmd.input.SecretId).versions.at(-1) };
    if (cmd instanceof DescribeSecretCommand) return { KmsKeyId: existing(cmd.input.SecretId).kmsKeyId };
    if (cmd instanceof PutSecretValueCommand) {
      usable(cmd.input.SecretId).versions.push(String(cmd.input.SecretString));
      return {};
    }
    if (cmd instanceof CreateSecretCommand) {
      const name = String(cmd.input.Name);
      if (secrets.has(name))
        throw named(secrets.get(name)?.deleting ? 'InvalidRequestException' : 'ResourceExistsException');
      secrets.set(name, {
        versions: [String(cmd.input.SecretString)],
        kmsKeyId: cmd.input.KmsKeyId ?? 'alias/aws/secretsmanager',
        deleting: false,
      });
      return {};
    }
    if (cmd instanceof DeleteSecretCommand) {
      const secret = existing(cmd.input.SecretId);
      if (cmd.input.ForceDeleteWithoutRecovery) secrets.delete(String(cmd.input.SecretId));
      else secret.deleting = true;
      return {};
    }
    throw new Error('unexpected command');
  };
  return { client: { send } as unknown as Pick<SecretsManagerClient, 'send'>, secrets, sent };
}

const store = (fake: ReturnType<typeof fakeSecretsManager>) =>
  new SecretsManagerConnectionSecrets(fake.client, { prefix: 'sesame/Prod/' });

describe('SecretsManagerConnectionSecrets', () => {
  it('creates one secret per connection under <prefix>connections/, with the deployment’s KMS key', async () => {
    const fake = fakeSecretsManager();
    await store(fake).put('acme-entra', 'first');
    const secret = fake.secrets.get('sesame/Prod/connections/acme-entra');
    assert.ok(secret, 'named by the prefix and the connection id');
    assert.equal(secret.kmsKeyId, DATA_KEY, 'the key of the deployment’s own secrets, not the default');
    await store(fake).put('acme-entra', 'second');
    assert.deepEqual(secret.versions, ['first', 'second'], 'a replacement is a new version');
    assert.equal(await store(fake).get('acme-entra'), 'second');
  });

  it('reads nothing for a connection without a credential, and lets other failures through', async () => {
    const fake = fakeSecretsManager();
    assert.equal(await store(fake).get('nobody'), null);
    const denied = new SecretsManagerConnectionSecrets(
      {
        send: async () => {
          throw Object.assign(new Error('AccessDeniedException'), { name: 'AccessDeniedException' });
        },
      } as unknown as Pick<SecretsManagerClient, 'send'>,
      { prefix: 'p/' },
    );
    await assert.rejects(denied.get('acme'), { name: 'AccessDeniedException' }, 'fails closed');
  });

  it('reads with GetSecretValue alone: the one action the Lambda is granted', async () => {
    const fake = fakeSecretsManager();
    await store(fake).put('acme', 'v');
    fake.sent.length = 0;
    await store(fake).get('acme');
    await store(fake).get('missing');
    assert.deepEqual(fake.sent, ['GetSecretValueCommand', 'GetSecretValueCommand']);
  });

  it('deletes for good, at once: the same id can be added again straight away', async () => {
    const fake = fakeSecretsManager();
    await store(fake).put('acme', 'old');
    await store(fake).delete('acme');
    assert.equal(fake.secrets.has('sesame/Prod/connections/acme'), false, 'no recovery window');
    assert.equal(await store(fake).get('acme'), null);
    await store(fake).delete('acme');
    await store(fake).put('acme', 'new');
    assert.equal(await store(fake).get('acme'), 'new');
  });

  it('ends with one secret holding one of the values when two first writes race', async () => {
    const fake = fakeSecretsManager();
    await Promise.all([store(fake).put('acme', 'a'), store(fake).put('acme', 'b')]);
    const value = await store(fake).get('acme');
    assert.ok(value === 'a' || value === 'b');
    assert.equal(fake.secrets.get('sesame/Prod/connections/acme')?.versions.length, 2);
  });
});

describe('cachedConnectionSecrets', () => {
  it('reads each credential at most once a minute, sees its own writes at once, and keeps no failure', async () => {
    const fake = fakeSecretsManager();
    let t = 0;
    const cached = cachedConnectionSecrets(store(fake), { ttlMs: 60_000, now: () => t });
    await cached.put('acme', 'one');
    fake.sent.length = 0;
    assert.equal(await cached.get('acme'), 'one');
    assert.equal(await cached.get('acme'), 'one');
    assert.deepEqual(fake.sent, ['GetSecretValueCommand']);

    await store(fake).put('acme', 'two'); // another process (the CLI) replaced it
    assert.equal(await cached.get('acme'), 'one', 'within the minute');
    t = 60_001;
    assert.equal(await cached.get('acme'), 'two', 'after it');

    await cached.put('acme', 'three');
    assert.equal(await cached.get('acme'), 'three', 'its own write at once');
    await cached.delete('acme');
    assert.equal(await cached.get('acme'), null);

    await store(fake).put('other', 'x');
    const secret = fake.secrets.get('sesame/Prod/connections/other');
    if (secret) secret.deleting = true;
    await assert.rejects(cached.get('other'));
    if (secret) secret.deleting = false;
    assert.equal(await cached.get('other'), 'x', 'a failed read is read again');
  });
});
