import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { connectionSecretName } from '../../functions/adapters/secrets/connection-secrets.ts';
import { configFromEnv } from '../../functions/config/config.ts';
import { CONNECTION_SECRETS_FOLDER, lambdaEnvironment } from '../../infra/construct/environment.ts';
import { SesameIdentityProvider } from '../../infra/construct/identity-provider.ts';
import { REASONS } from '../../infra/nag.ts';
import { stubCode, synthApp } from './support.ts';

const names = {
  issuer: 'https://id.example.com',
  tables: { oidc: 'o-table', directory: 'd-table', audit: 'a-table' },
  secretsPrefix: 'sesame/Test/',
};

describe('the Lambda environment contract', () => {
  it('is read by functions/config/config.ts exactly as the construct means it', () => {
    const env = lambdaEnvironment(
      {
        lockout: { maxAttempts: 5, duration: Duration.minutes(15) },
        passwordPolicy: { minLength: 14, requireDigit: true },
        argon2: { memoryKiB: 47104, timeCost: 1 + 1 },
        tokens: { accessToken: Duration.minutes(5), session: Duration.hours(8) },
        auditRetention: Duration.days(730),
      },
      names,
    );
    const config = configFromEnv(env);
    assert.equal(config.issuer, 'https://id.example.com');
    assert.equal(config.proxy, true);
    assert.deepEqual(config.tables, names.tables);
    assert.deepEqual(config.lockout, { maxAttempts: 5, durationSeconds: 900 });
    assert.equal(config.passwordPolicy.minLength, 14);
    assert.equal(config.passwordPolicy.requireDigit, true);
    assert.equal(config.argon2.memoryCost, 47104);
    assert.equal(config.ttl.accessTokenSeconds, 300);
    assert.equal(config.ttl.sessionSeconds, 28800);
    assert.equal(config.auditRetentionDays, 730);
  });

  it('passes nothing for unset settings, so the secure defaults (3 attempts, 10 minutes) apply', () => {
    const config = configFromEnv(lambdaEnvironment({}, names));
    assert.deepEqual(config.lockout, { maxAttempts: 3, durationSeconds: 600 });
  });

  it('gives the LocalStack profile SMTP mail and keys in the directory table, as the function reads them', () => {
    const { secretsPrefix: _none, ...withoutSecrets } = names;
    const config = configFromEnv(
      lambdaEnvironment(
        { email: { sender: 'no-reply@sesame.localhost', smtpUrl: 'smtp://mailpit:1025' } },
        withoutSecrets,
      ),
    );
    assert.deepEqual(config.secretStore, { kind: 'dynamodb' });
    assert.deepEqual(config.mail, {
      transport: 'smtp',
      from: 'no-reply@sesame.localhost',
      smtpUrl: 'smtp://mailpit:1025',
    });
  });

  it('names connection credentials inside the folder the construct lets the Lambda read', () => {
    const config = configFromEnv(lambdaEnvironment({}, names));
    assert.deepEqual(config.secretStore, { kind: 'secretsmanager', prefix: names.secretsPrefix });
    assert.equal(
      connectionSecretName(names.secretsPrefix, 'acme-entra'),
      `${names.secretsPrefix}${CONNECTION_SECRETS_FOLDER}acme-entra`,
    );
  });
});

describe('cdk-nag', () => {
  it('synthesizes the project app with zero unacknowledged AwsSolutions errors', () => {
    assert.doesNotThrow(() => synthApp());
  });

  it('fails synthesis on an unacknowledged finding', () => {
    const app = new App();
    const stack = new Stack(app, 'Bad');
    new Secret(stack, 'NoRotation');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    assert.throws(() => app.synth(), /Validation failed/);
  });

  it('gives every acknowledgement a written reason', () => {
    for (const [id, reason] of Object.entries(REASONS)) assert.ok(reason.length > 80, id);
  });
});

describe('the reusable construct', () => {
  it("embeds in a team's own stack with mutual TLS on a separate host of its custom domain", () => {
    const stack = new Stack(new App(), 'TeamStack');
    const sesame = new SesameIdentityProvider(stack, 'Idp', {
      code: stubCode(),
      domain: {
        domainName: 'login.team.example',
        certificate: Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:1:certificate/x'),
        mutualTls: { bucket: Bucket.fromBucketName(stack, 'Trust', 'team-truststore'), key: 'ca.pem' },
      },
      waf: { rateLimitPer5Minutes: 500 },
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ApiGateway::DomainName', {
      MutualTlsAuthentication: { TruststoreUri: 's3://team-truststore/ca.pem' },
    });
    assert.equal(sesame.issuer, 'https://login.team.example');
    t.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: [
        Match.objectLike({ Name: 'browser-credentials-rate' }),
        Match.objectLike({ Name: 'back-channel-per-client-rate' }),
        Match.objectLike({ Name: 'back-channel-per-ip-rate' }),
        Match.objectLike({
          Name: 'global-rate',
          Statement: { RateBasedStatement: Match.objectLike({ Limit: 500 }) },
        }),
        Match.objectLike({ Name: 'AWSManagedRulesKnownBadInputsRuleSet' }),
        Match.objectLike({ Name: 'AWSManagedRulesAmazonIpReputationList' }),
      ],
    });
  });
});
