import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { configFromEnv } from '../../functions/config/config.ts';
import { lambdaEnvironment, PROP_SETTINGS } from '../../infra/construct/environment.ts';
import { SesameIdentityProvider } from '../../infra/construct/identity-provider.ts';
import type { SesameIdentityProviderProps } from '../../infra/construct/props.ts';
import { stubCode, synthApp } from './support.ts';

function construct(props: SesameIdentityProviderProps): SesameIdentityProvider {
  return new SesameIdentityProvider(new Stack(new App(), 'Team'), 'Idp', { code: stubCode(), ...props });
}

/** The message the construct throws, so one assertion can name the prop and the limit. */
function refusal(props: SesameIdentityProviderProps): string {
  try {
    construct(props);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  assert.fail('the props were accepted');
}

describe('props are checked at synth with the schema the function starts with', () => {
  it('refuses an access token lifetime over the hour the function allows, naming the prop', () => {
    const message = refusal({ tokens: { accessToken: Duration.hours(2) } });
    assert.match(message, /tokens\.accessToken \(SESAME_ACCESS_TOKEN_TTL=7200\): .*<=3600/);
  });

  it('refuses argon2 memory below the OWASP minimum the function enforces', () => {
    assert.match(refusal({ argon2: { memoryKiB: 1024 } }), /argon2\.memoryKiB \(.*=1024\): .*>=19456/);
  });

  it('refuses a lockout that never locks', () => {
    assert.match(refusal({ lockout: { maxAttempts: 0 } }), /lockout\.maxAttempts \(.*=0\): .*>=1/);
  });

  it('reports every bad prop at once, not only the first', () => {
    const message = refusal({
      tokens: { accessToken: Duration.hours(2) },
      argon2: { memoryKiB: 1024 },
      lockout: { maxAttempts: 0 },
    });
    for (const prop of ['tokens.accessToken', 'argon2.memoryKiB', 'lockout.maxAttempts'])
      assert.ok(message.includes(prop), prop);
    assert.match(message, /^Team\/Idp: invalid Sesame props/);
  });

  it('refuses durations that are not whole seconds, an issuer that is not a URL and an empty factor list', () => {
    assert.match(refusal({ tokens: { session: Duration.millis(1500) } }), /tokens\.session: .*whole number/);
    assert.match(refusal({ issuer: 'id.example.com' }), /issuer \("id\.example\.com"\): Invalid URL/);
    assert.match(refusal({ mfa: { factors: [] } }), /mfa\.factors/);
  });

  it('refuses an SMTP URL with credentials in it (the function environment is readable) or with SES settings', () => {
    assert.match(
      refusal({ email: { sender: 'a@example.com', smtpUrl: 'smtp://user:pw@mail.example.com' } }),
      /email\.smtpUrl: carries credentials/,
    );
    assert.match(refusal({ email: { sender: 'a@example.com', smtpUrl: 'http://x' } }), /not smtp: or smtps:/);
    assert.match(
      refusal({ email: { sender: 'a@example.com', smtpUrl: 'smtp://x:25', verifyDomain: true } }),
      /sends without SES/,
    );
  });

  it('refuses a reserved concurrency that would throttle every request or is not a number', () => {
    assert.match(refusal({ reservedConcurrency: 0 }), /reservedConcurrency \(0\)/);
    assert.throws(
      () => synthApp({ context: { 'sesame:reservedConcurrency': 'fifty' } }),
      /reservedConcurrency \(NaN\)/,
    );
  });

  it('fails the project app synthesis, where `cdk synth` would see it', () => {
    assert.throws(
      () => synthApp({ overrides: { tokens: { accessToken: Duration.hours(2) } } }),
      /tokens\.accessToken/,
    );
  });

  it('accepts the limits themselves, exactly as the function does', () => {
    const props: SesameIdentityProviderProps = {
      tokens: { accessToken: Duration.hours(1) },
      argon2: { memoryKiB: 19456, timeCost: 2, parallelism: 1 },
      lockout: { maxAttempts: 1, duration: Duration.seconds(1) },
      passwordPolicy: { minLength: 8, maxLength: 64 },
      mfa: { policy: 'required', factors: ['totp'] },
    };
    assert.doesNotThrow(() => construct(props));
    const names = {
      issuer: 'https://id.example.com',
      tables: { oidc: 'oidc', directory: 'directory', audit: 'audit' },
      secretsPrefix: 'p/',
    };
    assert.doesNotThrow(() => configFromEnv(lambdaEnvironment(props, names)));
  });

  it('checks every prop that becomes an environment variable (one table for both)', () => {
    const env = lambdaEnvironment(
      {
        lockout: { maxAttempts: 5, duration: Duration.minutes(1) },
        passwordPolicy: {
          minLength: 12,
          maxLength: 128,
          requireDigit: true,
          requireUpper: true,
          requireLower: true,
          requireSpecial: true,
        },
        argon2: { memoryKiB: 19456, timeCost: 2, parallelism: 1 },
        tokens: {
          accessToken: Duration.minutes(5),
          refreshToken: Duration.days(1),
          session: Duration.hours(1),
          federatedSession: Duration.hours(1),
        },
        auditRetention: Duration.days(30),
        mfa: { policy: 'optional', factors: ['totp', 'email'] },
        email: { sender: 'no-reply@example.com', smtpUrl: 'smtp://mail.example.com:25' },
      },
      {
        issuer: 'https://x.example',
        tables: { oidc: 'oidc', directory: 'directory', audit: 'audit' },
        secretsPrefix: 'p/',
      },
    );
    const fromProps = Object.keys(env).filter((k) => PROP_SETTINGS.some((s) => s.env === k));
    assert.deepEqual(fromProps.sort(), PROP_SETTINGS.map((s) => s.env).sort());
  });
});
