import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SesameIdentityProvider } from '../../infra/construct/identity-provider.ts';
import type { SesameIdentityProviderProps } from '../../infra/construct/props.ts';
import { stubCode, synthApp } from './support.ts';

type Resource = {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

/**
 * Properties that name a resource uniquely in an account and region: a second resource with the same
 * value cannot be created while the first exists. (Resources left out have generated names.)
 */
const UNIQUE_NAME: Record<string, string> = {
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::CloudWatch::Dashboard': 'DashboardName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SES::EmailIdentity': 'EmailIdentity',
  'AWS::WAFv2::WebACL': 'Name',
  'AWS::WAFv2::IPSet': 'Name',
  'AWS::ApiGateway::DomainName': 'DomainName',
};

/**
 * What CloudFormation does when the first create of a stack fails after creating everything:
 * it deletes every resource except those whose DeletionPolicy is Retain (or Snapshot). Returns
 * what is left behind, what the rollback could not delete, and what would make a retry fail.
 */
function rollBackFailedCreate(template: Template) {
  const resources = Object.entries(template.toJSON().Resources as Record<string, Resource>);
  const keeps = (r: Resource) => r.DeletionPolicy === 'Retain' || r.DeletionPolicy === 'Snapshot';
  const leftBehind = resources.filter(([, r]) => keeps(r));
  const undeletable = resources.filter(
    ([, r]) => !keeps(r) && r.Type === 'AWS::DynamoDB::Table' && r.Properties?.DeletionProtectionEnabled,
  );
  const blocksRetry = leftBehind.filter(([, r]) => {
    const nameProp = UNIQUE_NAME[r.Type];
    const name = nameProp ? r.Properties?.[nameProp] : undefined;
    // A name built from the stack's id differs for the retried stack; anything else is the same again.
    return name !== undefined && !JSON.stringify(name).includes('AWS::StackId');
  });
  return {
    leftBehind: leftBehind.map(([id]) => id),
    undeletable: undeletable.map(([id]) => id),
    blocksRetry: blocksRetry.map(([id, r]) => `${id} (${r.Type})`),
  };
}

function teamTemplate(props: SesameIdentityProviderProps): Template {
  const stack = new Stack(new App(), 'Team');
  new SesameIdentityProvider(stack, 'Idp', { code: stubCode(), ...props });
  return Template.fromStack(stack);
}

const production = synthApp({
  context: { 'sesame:alarmEmail': 'ops@example.com', 'sesame:sender': 'no-reply@example.com' },
}).template('Sesame');

describe('a failed first deploy can be retried', () => {
  it('rolls back the production stack to nothing that blocks the retry, and can complete the rollback', () => {
    const result = rollBackFailedCreate(production);
    assert.deepEqual(result.blocksRetry, [], 'nothing with a fixed name is left behind');
    assert.deepEqual(result.undeletable, [], 'the rollback never has to delete a protected table');
  });

  it('keeps the key and the three secrets on deletion and replacement, but not after a failed create', () => {
    for (const type of ['AWS::SecretsManager::Secret', 'AWS::KMS::Key']) {
      const found = Object.values(production.findResources(type)) as Resource[];
      assert.ok(found.length > 0, type);
      for (const r of found) {
        assert.equal(r.DeletionPolicy, 'RetainExceptOnCreate', type);
        assert.equal(r.UpdateReplacePolicy, 'Retain', type);
      }
    }
    production.resourceCountIs('AWS::SecretsManager::Secret', 3);
  });

  it('keeps deletion protection on the tables as its own setting, and then retains them outright', () => {
    for (const t of Object.values(production.findResources('AWS::DynamoDB::Table')) as Resource[]) {
      assert.equal(t.Properties?.DeletionProtectionEnabled, true);
      assert.equal(t.DeletionPolicy, 'Retain');
      assert.equal(t.Properties?.TableName, undefined, 'generated names: a table left behind blocks nothing');
    }
    const unprotected = teamTemplate({ deletionProtection: false });
    for (const t of Object.values(unprotected.findResources('AWS::DynamoDB::Table')) as Resource[]) {
      assert.notEqual(t.Properties?.DeletionProtectionEnabled, true);
      assert.equal(t.DeletionPolicy, 'RetainExceptOnCreate');
    }
    // Only API Gateway's account-wide logging role (and the account setting naming it) stay: other APIs
    // of the account rely on it (edge.ts).
    assert.deepEqual(
      rollBackFailedCreate(unprotected).leftBehind.filter((id) => !/ApiCloudWatchRole|ApiAccount/.test(id)),
      [],
    );
  });

  it('treats an explicit RETAIN like RETAIN_ON_UPDATE_OR_DELETE for the fixed-name secrets', () => {
    const t = teamTemplate({ removalPolicy: RemovalPolicy.RETAIN });
    assert.deepEqual(rollBackFailedCreate(t).blocksRetry, []);
    for (const s of Object.values(t.findResources('AWS::SecretsManager::Secret')) as Resource[])
      assert.equal(s.DeletionPolicy, 'RetainExceptOnCreate');
  });

  it('would have caught the old template: RETAIN secrets with fixed names block the retry', () => {
    const old = Template.fromJSON({
      Resources: {
        Tbl: { Type: 'AWS::DynamoDB::Table', DeletionPolicy: 'Retain', Properties: {} },
        Keys: {
          Type: 'AWS::SecretsManager::Secret',
          DeletionPolicy: 'Retain',
          Properties: { Name: 'sesame/x' },
        },
      },
    });
    assert.deepEqual(rollBackFailedCreate(old).blocksRetry, ['Keys (AWS::SecretsManager::Secret)']);
  });

  it('destroys everything of a DESTROY stack, with no deletion protection', () => {
    const t = teamTemplate({ removalPolicy: RemovalPolicy.DESTROY });
    for (const r of Object.values(t.toJSON().Resources as Record<string, Resource>)) {
      if (r.Type === 'AWS::IAM::Role' || r.Type === 'AWS::ApiGateway::Account') continue; // account-wide logging role
      assert.notEqual(r.DeletionPolicy, 'Retain', r.Type);
    }
    assert.deepEqual(rollBackFailedCreate(t).undeletable, []);
  });
});
