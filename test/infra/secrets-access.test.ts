import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Template } from 'aws-cdk-lib/assertions';
import { synthApp } from './support.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = {
  Effect: string;
  Action: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  Resource?: unknown;
};

const BREAK_GLASS = 'arn:aws:iam::111111111111:role/sesame-break-glass';

function resources(t: Template, type: string): Record<string, Resource> {
  return t.findResources(type) as Record<string, Resource>;
}

/** The logical id of the role a function runs as, found by the function's description. */
function roleOf(t: Template, description: string): string {
  const fn = Object.values(resources(t, 'AWS::Lambda::Function')).find((f) =>
    String(f.Properties.Description).includes(description),
  );
  assert.ok(fn, description);
  return (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
}

/** Who a deny-unless statement lets through: its ArnNotEquals aws:PrincipalArn list, as role ids or ARNs. */
function exceptions(s: Statement): string[] {
  const arns = (s.Condition?.ArnNotEquals?.['aws:PrincipalArn'] ?? []) as unknown[];
  return arns
    .map((a) => (typeof a === 'string' ? a : (a as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]))
    .sort();
}

describe('who can read the keys', () => {
  const template = synthApp({ context: { 'sesame:breakGlassRoleArn': BREAK_GLASS } }).template('Sesame');
  const idpRole = roleOf(template, 'OpenID Connect endpoints');
  const keygenRole = roleOf(template, 'generates signing, cookie and MFA keys');
  const rotationRole = roleOf(template, 'rotates the signing, cookie and MFA keys');
  const secretIds = Object.keys(resources(template, 'AWS::SecretsManager::Secret'));
  const policies = Object.values(resources(template, 'AWS::SecretsManager::ResourcePolicy'));

  it('puts a resource policy on each of the three key secrets, kept when the secret is kept', () => {
    assert.equal(secretIds.length, 3);
    assert.deepEqual(
      policies.map((p) => (p.Properties.SecretId as { Ref: string }).Ref).sort(),
      [...secretIds].sort(),
    );
    for (const p of policies) assert.equal(p.DeletionPolicy, 'RetainExceptOnCreate');
  });

  it('denies reading to everyone but the function, the keygen, the rotation and the break-glass role', () => {
    for (const p of policies) {
      const statements = (p.Properties.ResourcePolicy as { Statement: Statement[] }).Statement;
      const read = statements.find((s) => s.Action === 'secretsmanager:GetSecretValue');
      assert.ok(read);
      assert.equal(read.Effect, 'Deny');
      assert.deepEqual(read.Principal, { AWS: '*' });
      assert.deepEqual(exceptions(read), [BREAK_GLASS, idpRole, keygenRole, rotationRole].sort());
    }
  });

  it('denies writing a new key, or moving AWSCURRENT back to an old one, to everyone but the keygen, the rotation and the break-glass role', () => {
    for (const p of policies) {
      const statements = (p.Properties.ResourcePolicy as { Statement: Statement[] }).Statement;
      const write = statements.find((s) => [s.Action].flat().includes('secretsmanager:PutSecretValue'));
      assert.ok(write);
      assert.deepEqual([write.Action].flat().sort(), [
        'secretsmanager:PutSecretValue',
        'secretsmanager:UpdateSecretVersionStage',
      ]);
      assert.equal(write.Effect, 'Deny');
      assert.deepEqual(exceptions(write), [BREAK_GLASS, keygenRole, rotationRole].sort());
    }
  });

  it('lets the rotation read and write the three key secrets and nothing else, their data key only through Secrets Manager', () => {
    const rotationStatements = Object.values(resources(template, 'AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(rotationRole))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    const onSecrets = rotationStatements.filter((s) =>
      [s.Action].flat().some((a) => a.startsWith('secretsmanager:')),
    );
    assert.equal(onSecrets.length, 1);
    assert.deepEqual([onSecrets[0]?.Action].flat().sort(), [
      'secretsmanager:GetSecretValue',
      'secretsmanager:PutSecretValue',
      'secretsmanager:UpdateSecretVersionStage',
    ]);
    const named = [onSecrets[0]?.Resource]
      .flat()
      .map((r) => (r as { Ref: string }).Ref)
      .sort();
    assert.deepEqual(named, [...secretIds].sort(), 'exactly the three key secrets, by reference');
    const kms = rotationStatements.filter((s) => [s.Action].flat().some((a) => a.startsWith('kms:')));
    assert.equal(kms.length, 1);
    assert.match(JSON.stringify(kms[0]?.Condition), /kms:ViaService.*secretsmanager\./);
    assert.doesNotMatch(JSON.stringify(kms[0]?.Condition), /dynamodb/);
    const others = rotationStatements.filter(
      (s) => ![s.Action].flat().some((a) => /^(secretsmanager|kms):/.test(a)),
    );
    for (const s of others)
      for (const a of [s.Action].flat())
        assert.match(a, /^logs:/, `the rotation may also write its logs: ${a}`);
  });

  it('lets the function use the data key through Secrets Manager only (it writes connection credentials, never a key secret)', () => {
    const idpPolicies = Object.values(resources(template, 'AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(idpRole),
    );
    const viaSecretsManager = idpPolicies
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
      .filter((s) => JSON.stringify(s.Condition ?? {}).includes('secretsmanager.'));
    assert.equal(viaSecretsManager.length, 1);
    assert.deepEqual(viaSecretsManager[0]?.Action, [
      'kms:Decrypt',
      'kms:Encrypt',
      'kms:GenerateDataKey',
      'kms:DescribeKey',
    ]);
    // Key secrets: read and described, never written (their resource policies deny it too).
    const onKeys = idpPolicies
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
      .filter((s) => JSON.stringify(s.Resource).includes('SigningKeys'));
    for (const s of onKeys)
      for (const a of [s.Action].flat())
        assert.match(String(a), /^secretsmanager:(GetSecretValue|DescribeSecret)$/);
  });

  it('has no break-glass exception unless one is configured', () => {
    const plain = synthApp().template('Sesame');
    for (const p of Object.values(resources(plain, 'AWS::SecretsManager::ResourcePolicy'))) {
      const statements = (p.Properties.ResourcePolicy as { Statement: Statement[] }).Statement;
      for (const s of statements)
        assert.ok(!exceptions(s).some((e) => e.startsWith('arn:')), 'roles of the stack only');
    }
  });
});
