import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { configFromEnv } from '../../functions/config/config.ts';
import { ROTATION_TIMEOUT, SesameIdentityProvider } from '../../infra/construct/identity-provider.ts';
import type { SesameIdentityProviderProps } from '../../infra/construct/props.ts';
import { stubCode, synthApp } from './support.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };

const DESCRIPTION = 'rotates the signing, cookie and MFA keys';

function rotationFunction(t: Template): [string, Resource] | undefined {
  return Object.entries(t.findResources('AWS::Lambda::Function') as Record<string, Resource>).find(([, f]) =>
    String(f.Properties.Description).includes(DESCRIPTION),
  );
}

function team(props: SesameIdentityProviderProps = {}): Template {
  const stack = new Stack(new App(), 'Team');
  new SesameIdentityProvider(stack, 'Idp', { code: stubCode(), ...props });
  return Template.fromStack(stack);
}

const envOf = (fn: Resource) =>
  (fn.Properties.Environment as { Variables: Record<string, string> }).Variables;

describe('key rotation in the stack', () => {
  const prod = synthApp({ context: { 'sesame:alarmEmail': 'ops@example.com' } });
  const template = prod.template('Sesame');

  it('runs the rotation function daily from an EventBridge schedule, retried twice', () => {
    const found = rotationFunction(template);
    assert.ok(found, 'a rotation function');
    const [fnId] = found;
    const rules = Object.values(template.findResources('AWS::Events::Rule') as Record<string, Resource>);
    assert.equal(rules.length, 1);
    const rule = rules[0] as Resource;
    assert.equal(rule.Properties.ScheduleExpression, 'rate(1 day)');
    assert.equal(rule.Properties.State, 'ENABLED');
    const [target] = rule.Properties.Targets as Array<{ Arn: unknown; RetryPolicy: Record<string, number> }>;
    assert.deepEqual(target?.Arn, { 'Fn::GetAtt': [fnId, 'Arn'] });
    assert.equal(target?.RetryPolicy.MaximumRetryAttempts, 2);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
    });
  });

  it('gives the function a timeout, and the settings and lifetimes it waits for', () => {
    const [, fn] = rotationFunction(template) ?? assert.fail('no rotation function');
    assert.equal(fn.Properties.Timeout, ROTATION_TIMEOUT.toSeconds());
    assert.ok(ROTATION_TIMEOUT.toSeconds() <= 300);
    assert.equal(fn.Properties.Runtime, 'nodejs24.x');
    const env = envOf(fn);
    assert.equal(env.SESAME_SECRET_STORE, 'secretsmanager');
    assert.equal(env.SESAME_SECRETS_PREFIX, 'sesame/Sesame/');
    assert.equal(env.SESAME_ISSUER, undefined, 'nothing it does not need (no issuer, no tables)');
    assert.equal(env.SESAME_TABLE_DIRECTORY, undefined);

    const tuned = rotationFunction(
      team({
        keyRotation: {
          period: Duration.days(30),
          jwksCacheTime: Duration.hours(6),
          checkEvery: Duration.hours(6),
        },
        tokens: { accessToken: Duration.minutes(30), session: Duration.hours(12) },
      }),
    );
    const tunedEnv = envOf(tuned?.[1] ?? assert.fail('no rotation function'));
    const config = configFromEnv(tunedEnv);
    assert.equal(config.keyRotation.periodDays, 30);
    assert.equal(config.keyRotation.jwksCacheSeconds, 6 * 3600);
    assert.equal(config.ttl.accessTokenSeconds, 1800, 'the access token lifetime the idp function has');
    assert.equal(config.ttl.sessionSeconds, 12 * 3600);
    assert.equal(config.secretStore.kind, 'secretsmanager');
  });

  it('checks as often as asked', () => {
    const t = team({ keyRotation: { checkEvery: Duration.hours(6) } });
    t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(6 hours)' });
  });

  it('alarms when a rotation run fails', () => {
    const [fnId] = rotationFunction(template) ?? assert.fail('no rotation function');
    const alarms = Object.values(
      template.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>,
    );
    const alarm = alarms.find((a) => String(a.Properties.AlarmDescription).includes('key rotation'));
    assert.ok(alarm);
    assert.equal(alarm.Properties.MetricName, 'Errors');
    assert.deepEqual(alarm.Properties.Dimensions, [{ Name: 'FunctionName', Value: { Ref: fnId } }]);
    assert.equal(alarm.Properties.Threshold, 1);
    assert.ok(alarm.Properties.AlarmActions);
  });

  it('can be switched off: no function, no schedule, no place in the key secrets’ policies', () => {
    const off = synthApp({ context: { 'sesame:keyRotation': 'false' } }).template('Sesame');
    assert.equal(rotationFunction(off), undefined);
    off.resourceCountIs('AWS::Events::Rule', 0);
    assert.doesNotMatch(
      JSON.stringify(off.findResources('AWS::SecretsManager::ResourcePolicy')),
      /KeyRotation/,
    );
    assert.match(
      JSON.stringify(template.findResources('AWS::SecretsManager::ResourcePolicy')),
      /KeyRotation/,
    );
    const { idp, keygen } = stubCode();
    const embedded = team({ keyRotation: false, code: { idp, keygen } });
    embedded.resourceCountIs('AWS::Events::Rule', 0);
  });

  it('takes its period from the project app’s context', () => {
    const monthly = synthApp({ context: { 'sesame:keyRotation': '30' } }).template('Sesame');
    const [, fn] = rotationFunction(monthly) ?? assert.fail('no rotation function');
    assert.equal(envOf(fn).SESAME_KEY_ROTATION_DAYS, '30');
    assert.throws(() => synthApp({ context: { 'sesame:keyRotation': 'weekly' } }), /sesame:keyRotation/);
  });

  it('is absent where the keys live in the directory table (LocalStack)', () => {
    const local = prod.template('SesameLocal');
    assert.equal(rotationFunction(local), undefined);
    local.resourceCountIs('AWS::Events::Rule', 0);
  });

  it('refuses rotation settings the function would refuse, and rotation without its secrets or code', () => {
    const refusal = (props: SesameIdentityProviderProps) =>
      assert.throws(
        () => team(props),
        (err: Error) => {
          assert.match(err.message, /invalid Sesame props/);
          return true;
        },
      );
    refusal({ keyRotation: { period: Duration.hours(36) } });
    refusal({ keyRotation: { jwksCacheTime: Duration.days(60) } });
    refusal({ keyRotation: {}, secretStore: 'dynamodb' });
    assert.throws(
      () =>
        new SesameIdentityProvider(new Stack(new App(), 'T'), 'Idp', {
          code: { idp: stubCode().idp, keygen: stubCode().keygen },
        }),
      /code\.rotation/,
    );
  });
});
