import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../infra/bundling.ts';
import { LOCAL_SMTP_URL, LOCALSTACK_ACCOUNT } from '../../infra/stacks/localstack.ts';
import { synthApp } from './support.ts';

const run = promisify(execFile);
const require = createRequire(join(PROJECT_ROOT, 'package.json'));
/** aws-cdk-local's own environment check, the one `cdklocal` runs before the CDK CLI. */
const cdkLocal = require('aws-cdk-local') as {
  configureEnvironment(env: Record<string, string | undefined>, allowList: string): void;
};
const COMMUNITY = JSON.parse(
  readFileSync(join(PROJECT_ROOT, 'infra/localstack/community-resource-types.json'), 'utf8'),
) as { communityImage: string[] };

/** Resource types of a synthesized template, sorted and unique. */
const typesOf = (template: { Resources: Record<string, { Type: string }> }) =>
  [...new Set(Object.values(template.Resources).map((r) => r.Type))].sort();

interface CdkLocalCall {
  argv: string[];
  error: string | null;
  env: Record<string, string | undefined>;
}

/**
 * Runs infra/localstack/deploy.sh with `curl` and `cdklocal` replaced by stubs on PATH. The stub
 * cdklocal applies aws-cdk-local's real configureEnvironment to what the script hands it and records
 * the outcome — so the test sees exactly what the pinned CDK CLI would start with.
 */
async function deployWithStubs(env: Record<string, string>, curlExit = 0) {
  const dir = mkdtempSync(join(tmpdir(), 'sesame-deploy-local-'));
  const log = join(dir, 'calls.jsonl');
  writeFileSync(join(dir, 'curl'), `#!/bin/sh\nexit ${curlExit}\n`);
  writeFileSync(
    join(dir, 'cdklocal'),
    `#!${process.execPath}
const { configureEnvironment } = require(${JSON.stringify(require.resolve('aws-cdk-local'))});
let error = null;
try { configureEnvironment(process.env, process.env.AWS_ENVAR_ALLOWLIST || ''); } catch (e) { error = e.message; }
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(AWS_|CDK_)/.test(k)));
require('node:fs').appendFileSync(${JSON.stringify(log)}, JSON.stringify({ argv: process.argv.slice(2), error, env }) + '\\n');
process.exit(error ? 1 : 0);
`,
  );
  chmodSync(join(dir, 'curl'), 0o755);
  chmodSync(join(dir, 'cdklocal'), 0o755);
  const cwd = mkdtempSync(join(tmpdir(), 'sesame-deploy-cwd-'));
  let exitCode = 0;
  let stderr = '';
  try {
    await run('sh', [join(PROJECT_ROOT, 'infra/localstack/deploy.sh')], {
      cwd,
      env: { PATH: `${dir}${delimiter}${process.env.PATH ?? ''}`, HOME: cwd, ...env },
    });
  } catch (err) {
    exitCode = (err as { code: number }).code;
    stderr = (err as { stderr: string }).stderr;
  }
  const calls: CdkLocalCall[] = existsSync(log)
    ? readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as CdkLocalCall)
    : [];
  return { exitCode, stderr, calls };
}

describe('npm run deploy:local (LocalStack itself needs Docker, which this machine lacks)', () => {
  it('aws-cdk-local refuses AWS_ENDPOINT_URL alone — the failure the old script ran into', () => {
    assert.throws(
      () => cdkLocal.configureEnvironment({ AWS_ENDPOINT_URL: 'http://localhost:4566' }, ''),
      /AWS_ENDPOINT_URL_S3' must be specified/,
    );
  });

  it('hands cdklocal an environment it accepts: bootstrap, then deploy SesameLocal with the flag', async () => {
    const { exitCode, calls, stderr } = await deployWithStubs({});
    assert.equal(exitCode, 0, stderr);
    assert.deepEqual(
      calls.map((c) => c.argv),
      [
        ['bootstrap', `aws://${LOCALSTACK_ACCOUNT}/us-east-1`, '-c', 'sesame:local=true'],
        [
          'deploy',
          'SesameLocal',
          '--require-approval',
          'never',
          '--outputs-file',
          'cdk.out/local-outputs.json',
          '-c',
          'sesame:local=true',
        ],
      ],
    );
    for (const { error, env } of calls) {
      assert.equal(error, null);
      assert.equal(env.AWS_ENDPOINT_URL, 'http://localhost:4566');
      assert.equal(env.AWS_ENDPOINT_URL_S3, 'http://s3.localhost.localstack.cloud:4566');
      assert.equal(env.AWS_REGION, 'us-east-1');
      assert.equal(env.CDK_DEFAULT_ACCOUNT, LOCALSTACK_ACCOUNT);
    }
  });

  it('keeps the chosen region and drops the shell’s real credentials and profile', async () => {
    const { exitCode, calls } = await deployWithStubs({
      AWS_REGION: 'eu-central-1',
      AWS_PROFILE: 'production',
      AWS_ACCESS_KEY_ID: 'AKIAREALKEY',
      AWS_SECRET_ACCESS_KEY: 'real-secret',
      AWS_SESSION_TOKEN: 'real-token',
    });
    assert.equal(exitCode, 0);
    assert.equal(calls[0]?.argv[1], `aws://${LOCALSTACK_ACCOUNT}/eu-central-1`);
    for (const { env } of calls) {
      assert.equal(env.AWS_REGION, 'eu-central-1', 'allow-listed, so cdklocal keeps it');
      assert.equal(env.AWS_DEFAULT_REGION, 'eu-central-1');
      assert.equal(env.CDK_DEFAULT_REGION, 'eu-central-1');
      assert.equal(env.AWS_PROFILE, undefined);
      assert.equal(env.AWS_SESSION_TOKEN, undefined);
      assert.equal(env.AWS_ACCESS_KEY_ID, 'test', "LocalStack's test credentials, never the shell's");
      assert.equal(env.AWS_SECRET_ACCESS_KEY, 'test');
    }
  });

  it('asks for AWS_ENDPOINT_URL_S3 when LocalStack runs elsewhere, before calling cdklocal', async () => {
    const remote = await deployWithStubs({ AWS_ENDPOINT_URL: 'http://localstack.internal:4566' });
    assert.notEqual(remote.exitCode, 0);
    assert.match(remote.stderr, /set AWS_ENDPOINT_URL_S3 too/);
    assert.deepEqual(remote.calls, []);
    const both = await deployWithStubs({
      AWS_ENDPOINT_URL: 'http://localstack.internal:4566',
      AWS_ENDPOINT_URL_S3: 'http://s3.localstack.internal:4566',
    });
    assert.equal(both.exitCode, 0);
    assert.equal(both.calls[0]?.env.AWS_ENDPOINT_URL_S3, 'http://s3.localstack.internal:4566');
  });

  it('stops with the command that starts LocalStack when nothing answers', async () => {
    const { exitCode, stderr, calls } = await deployWithStubs({}, 7);
    assert.equal(exitCode, 1);
    assert.match(stderr, /docker compose -f infra\/localstack\/docker-compose\.yml up -d/);
    assert.deepEqual(calls, []);
  });

  it('synthesizes SesameLocal through the real cdklocal and pinned CDK CLI, offline', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sesame-cdklocal-'));
    await run(
      'sh',
      [
        join(PROJECT_ROOT, 'infra/localstack/cdklocal.sh'),
        'synth',
        'SesameLocal',
        '--quiet',
        '--no-notices',
        '-o',
        out,
      ],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, AWS_REGION: 'eu-west-1', CDK_DISABLE_CLI_TELEMETRY: 'true' },
        timeout: 120_000,
      },
    );
    const template = JSON.parse(readFileSync(join(out, 'SesameLocal.template.json'), 'utf8'));
    assert.deepEqual(
      typesOf(template).filter((t) => !COMMUNITY.communityImage.includes(t)),
      [],
      'only types the Community image creates',
    );
    const manifest = readFileSync(join(out, 'manifest.json'), 'utf8');
    assert.match(
      manifest,
      /aws:\/\/000000000000\/eu-west-1/,
      'the stack targets LocalStack’s account and the region',
    );
  });
});

describe('the SesameLocal Community profile', () => {
  const synthesized = synthApp();
  const local = synthesized.template('SesameLocal');
  const json = local.toJSON() as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };

  it('contains only resource types LocalStack’s free edition supports (list and source in the repo)', () => {
    const unsupported = typesOf(json).filter((t) => !COMMUNITY.communityImage.includes(t));
    assert.deepEqual(unsupported, []);
  });

  it('uses no WAF, custom domain, mTLS, SES, custom resource, metric filter or dashboard', () => {
    for (const type of [
      'AWS::WAFv2::WebACL',
      'AWS::ApiGateway::DomainName',
      'AWS::SES::EmailIdentity',
      'AWS::Logs::MetricFilter',
      'AWS::CloudWatch::Dashboard',
      'AWS::SecretsManager::Secret',
    ])
      local.resourceCountIs(type, 0);
    assert.deepEqual(
      typesOf(json).filter((t) => t.startsWith('Custom::')),
      [],
    );
  });

  it('sends mail over SMTP to the compose file’s mail catcher and keeps keys in the directory table', () => {
    const [idp] = Object.values(json.Resources).filter(
      (r) =>
        r.Type === 'AWS::Lambda::Function' && String(r.Properties.Description).includes('OpenID Connect'),
    );
    assert.ok(idp, 'the idp function');
    const env = (idp.Properties.Environment as { Variables: Record<string, string> }).Variables;
    assert.equal(env.SESAME_MAIL_TRANSPORT, 'smtp');
    assert.equal(env.SESAME_SMTP_URL, LOCAL_SMTP_URL);
    assert.equal(env.SESAME_SECRET_STORE, 'dynamodb');
    assert.equal(env.SESAME_SECRETS_PREFIX, undefined);
    const statements = JSON.stringify(local.findResources('AWS::IAM::Policy'));
    assert.ok(!statements.includes('ses:'), 'no SES permission');
    assert.ok(!statements.includes('secretsmanager:'), 'no Secrets Manager permission');
  });

  it('is pinned to LocalStack 4.14.0, with the mail catcher on the network its Lambdas join', () => {
    const compose = readFileSync(join(PROJECT_ROOT, 'infra/localstack/docker-compose.yml'), 'utf8');
    assert.match(compose, /image: localstack\/localstack:4\.14\.0\n/);
    const smtp = new URL(LOCAL_SMTP_URL);
    assert.match(
      compose,
      new RegExp(`\\n  ${smtp.hostname}:\\n    (#.*\\n    )?image: axllent/mailpit:v[0-9.]+\\n`),
    );
    assert.match(compose, new RegExp(`"127\\.0\\.0\\.1:${smtp.port}:${smtp.port}"`));
    const network = /networks:\n {2}default:\n {4}name: (\S+)/.exec(compose)?.[1];
    assert.ok(network);
    assert.match(compose, new RegExp(`LAMBDA_DOCKER_NETWORK=${network}\\n`));
    assert.match(compose, /CFN_IGNORE_UNSUPPORTED_RESOURCE_TYPES=0/, 'an unsupported type fails the deploy');
  });

  it('still satisfies cdk-nag (the project synth checks both stacks)', () => {
    assert.ok(synthesized.stack('SesameLocal'));
  });
});
