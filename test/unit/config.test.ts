import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, configFromEnv, parseConfig } from '../../functions/config/config.ts';

describe('configuration', () => {
  it('fills every group with the secure defaults', () => {
    const config = parseConfig({ issuer: 'https://id.example.com' });
    assert.deepEqual(config.lockout, { maxAttempts: 3, durationSeconds: 600 });
    assert.deepEqual(config.argon2, { memoryCost: 19456, timeCost: 2, parallelism: 1 });
    assert.equal(config.passwordPolicy.minLength, 12);
    assert.deepEqual(config.secretStore, { kind: 'dynamodb' });
    assert.deepEqual(config.mfa.factors, ['passkey', 'totp', 'email']);
    assert.equal(config.mail.transport, 'none');
    assert.equal(config.proxy, false);
  });

  it('refuses unsafe or malformed settings, naming the setting', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ issuer: 'not a url' }, /issuer/],
      [{ lockout: { maxAttempts: 0 } }, /lockout\.maxAttempts/],
      [{ argon2: { memoryCost: 1024 } }, /argon2\.memoryCost/],
      [{ passwordPolicy: { minLength: 6 } }, /passwordPolicy\.minLength/],
      [{ ttl: { accessTokenSeconds: 1.5 } }, /ttl\.accessTokenSeconds/],
      [{ mfa: { factors: [] } }, /mfa\.factors/],
      [{ mail: { transport: 'pigeon' } }, /mail\.transport/],
      [{ secretStore: { kind: 'secretsmanager' } }, /secretStore\.prefix/],
    ];
    for (const [input, where] of cases) {
      assert.throws(
        () => parseConfig({ issuer: 'https://id.example.com', ...input }),
        (err: Error) => err instanceof ConfigError && where.test(err.message),
        JSON.stringify(input),
      );
    }
  });

  it('reads the environment, with whole numbers and booleans checked', () => {
    const config = configFromEnv({
      SESAME_ISSUER: 'https://id.example.com',
      SESAME_LOCKOUT_MAX_ATTEMPTS: '5',
      SESAME_PASSWORD_REQUIRE_DIGIT: 'true',
      SESAME_MFA_FACTORS: 'totp',
      SESAME_SECRET_STORE: 'secretsmanager',
      SESAME_SECRETS_PREFIX: 'sesame/Prod/',
    });
    assert.equal(config.lockout.maxAttempts, 5);
    assert.equal(config.passwordPolicy.requireDigit, true);
    assert.deepEqual(config.mfa.factors, ['totp']);
    assert.deepEqual(config.secretStore, { kind: 'secretsmanager', prefix: 'sesame/Prod/' });
    assert.equal(configFromEnv({}).issuer, 'http://localhost:3000');
    assert.throws(() => configFromEnv({ SESAME_LOCKOUT_MAX_ATTEMPTS: 'three' }), ConfigError);
    assert.throws(() => configFromEnv({ SESAME_PROXY: 'yes' }), ConfigError);
  });
});
