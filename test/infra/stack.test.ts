import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { tableDefinition } from '../../functions/adapters/dynamodb/tables.ts';
import { synthApp } from './support.ts';

type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  DependsOn?: string[];
};
type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

const prod = synthApp({
  context: { 'sesame:alarmEmail': 'ops@example.com', 'sesame:sender': 'no-reply@example.com' },
});
const template = prod.template('Sesame');
const local = prod.template('SesameLocal');

function resources(type: string, t = template): Record<string, Resource> {
  return t.findResources(type) as Record<string, Resource>;
}

function idpFunction(t = template): Resource {
  const fns = Object.values(resources('AWS::Lambda::Function', t));
  const idp = fns.find((f) => (f.Properties.Description as string).includes('OpenID Connect endpoints'));
  assert.ok(idp, 'the idp function exists');
  return idp;
}

function statements(t = template): Statement[] {
  return Object.values(resources('AWS::IAM::Policy', t)).flatMap(
    (p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
  );
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('DynamoDB tables', () => {
  const tables = Object.values(resources('AWS::DynamoDB::Table'));
  const byId = Object.entries(resources('AWS::DynamoDB::Table'));

  it('creates the three tables on demand with the key schema and indexes functions/ uses', () => {
    assert.equal(tables.length, 3);
    for (const [id, t] of byId) {
      const kind = id.includes('Audit') ? 'audit' : id.includes('Oidc') ? 'oidc' : 'directory';
      const expected = tableDefinition('x', kind);
      assert.equal(t.Properties.BillingMode, 'PAY_PER_REQUEST');
      assert.deepEqual(t.Properties.KeySchema, expected.KeySchema);
      assert.deepEqual(
        [...(t.Properties.AttributeDefinitions as object[])].sort((a, b) =>
          JSON.stringify(a).localeCompare(JSON.stringify(b)),
        ),
        [...(expected.AttributeDefinitions ?? [])].sort((a, b) =>
          JSON.stringify(a).localeCompare(JSON.stringify(b)),
        ),
        id,
      );
      assert.deepEqual(t.Properties.GlobalSecondaryIndexes, expected.GlobalSecondaryIndexes, id);
    }
    assert.ok(
      byId.some(([id]) => id.includes('Audit')),
      'the audit table is told apart',
    );
  });

  it('turns on point-in-time recovery, KMS encryption with the customer-managed key and TTL on expiresAt', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 3);
    template.allResourcesProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    template.allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('protects production tables from deletion and retains them', () => {
    for (const t of tables) {
      assert.equal(t.Properties.DeletionProtectionEnabled, true);
      assert.equal(t.DeletionPolicy, 'Retain');
    }
  });

  it('lets the LocalStack stack be destroyed', () => {
    for (const t of Object.values(resources('AWS::DynamoDB::Table', local))) {
      assert.notEqual(t.Properties.DeletionProtectionEnabled, true);
      assert.equal(t.DeletionPolicy, 'Delete');
    }
  });
});

describe('idp Lambda', () => {
  it('runs Node.js 24 on arm64 with memory sized for argon2 and JSON logs', () => {
    const fn = idpFunction();
    assert.equal(fn.Properties.Runtime, 'nodejs24.x');
    assert.deepEqual(fn.Properties.Architectures, ['arm64']);
    assert.equal(fn.Properties.MemorySize, 1024);
    assert.equal((fn.Properties.LoggingConfig as { LogFormat: string }).LogFormat, 'JSON');
  });

  it('keeps logs for a year', () => {
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  it('receives the issuer, proxy flag, table names and secrets prefix', () => {
    const env = (idpFunction().Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    for (const name of [
      'SESAME_ISSUER',
      'SESAME_TABLE_OIDC',
      'SESAME_TABLE_DIRECTORY',
      'SESAME_TABLE_AUDIT',
    ]) {
      assert.ok(env[name], `${name} is set`);
    }
    assert.equal(env.SESAME_PROXY, 'true');
    assert.equal(env.SESAME_SECRETS_PREFIX, 'sesame/Sesame/');
    assert.equal(env.SESAME_MAIL_FROM, 'no-reply@example.com');
    assert.equal(env.SESAME_LOCKOUT_MAX_ATTEMPTS, undefined, 'unset settings keep the application defaults');
  });

  it('has no reserved concurrency unless asked for', () => {
    assert.equal(idpFunction().Properties.ReservedConcurrentExecutions, undefined);
    const capped = synthApp({ context: { 'sesame:reservedConcurrency': '50' } }).template('Sesame');
    assert.equal(idpFunction(capped).Properties.ReservedConcurrentExecutions, 50);
  });

  it('waits for the deploy-time key generation before it can serve', () => {
    template.resourceCountIs('Custom::SesameKeys', 1);
    const [keysId] = Object.keys(resources('Custom::SesameKeys'));
    assert.ok(idpFunction().DependsOn?.includes(keysId as string));
  });
});

describe('IAM', () => {
  const dataAction = /^(dynamodb|kms|secretsmanager|ses|sns|logs):/;

  it('never grants a data action on Resource "*"', () => {
    for (const s of statements()) {
      if (actionsOf(s).some((a) => dataAction.test(a))) {
        const res = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
        assert.ok(!res.includes('*'), `${actionsOf(s).join(',')} is scoped`);
      }
    }
  });

  it('uses no wildcard actions', () => {
    for (const s of statements()) for (const a of actionsOf(s)) assert.ok(!a.includes('*'), a);
  });

  it('gives the application item-level access only: no Scan, no table management, audit append-only', () => {
    const all = statements().flatMap(actionsOf);
    for (const a of [
      'dynamodb:Scan',
      'dynamodb:DeleteTable',
      'dynamodb:UpdateTable',
      'dynamodb:CreateTable',
    ]) {
      assert.ok(!all.includes(a), a);
    }
    const auditOnly = statements().filter((s) => JSON.stringify(s.Resource).includes('AuditTable'));
    assert.ok(auditOnly.length > 0);
    for (const s of auditOnly) {
      assert.deepEqual(actionsOf(s).sort(), ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
    }
  });

  it('uses the KMS key only through DynamoDB and Secrets Manager', () => {
    for (const s of statements().filter((st) => actionsOf(st).some((a) => a.startsWith('kms:')))) {
      assert.match(JSON.stringify(s.Condition), /kms:ViaService/);
    }
  });

  it('lets only the keygen and the rotation write the key secrets (the idp function writes connection credentials only)', () => {
    const writers = statements().filter((s) => actionsOf(s).includes('secretsmanager:PutSecretValue'));
    assert.equal(writers.length, 3);
    const named = writers.map((s) => JSON.stringify(s.Resource));
    assert.equal(
      named.filter((r) => r.includes('connections/')).length,
      1,
      'one writes connection credentials…',
    );
    assert.equal(
      named.filter((r) => !r.includes('connections/')).length,
      2,
      '…two (the keygen, the rotation) the keys',
    );
  });

  it('lets the idp Lambda read and write connection credentials (the admin API), under <prefix>connections/ only', () => {
    /** A resource as text: references and pseudo parameters as `<Name>`. */
    const text = (v: unknown): string =>
      typeof v === 'string'
        ? v
        : JSON.stringify(v).includes('Fn::Join')
          ? (v as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].map(text).join('')
          : `<${Object.values(v as Record<string, string>)[0]}>`;
    const resourcesOf = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map(text);
    const touching = statements().filter((s) => resourcesOf(s).some((r) => r.includes('connections/')));
    assert.equal(touching.length, 1, 'one statement names the connection credentials');
    const [grant] = touching as [Statement];
    assert.deepEqual(
      actionsOf(grant),
      [
        'secretsmanager:GetSecretValue',
        'secretsmanager:CreateSecret',
        'secretsmanager:PutSecretValue',
        'secretsmanager:DeleteSecret',
      ],
      'read and write, nothing else (no policy, no restore)',
    );
    assert.deepEqual(resourcesOf(grant), [
      'arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:sesame/Sesame/connections/*',
    ]);
    // The one wildcard is Secrets Manager's random ARN suffix, after the folder: nothing above it.
    assert.equal(resourcesOf(grant)[0]?.indexOf('*'), (resourcesOf(grant)[0]?.length ?? 0) - 1);

    const fnRole = (idpFunction().Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const holders = Object.values(resources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('connections/'),
    );
    assert.deepEqual(
      holders.map((p) => p.Properties.Roles),
      [[{ Ref: fnRole }]],
      'the idp function role, and no other role',
    );
    // The secrets are encrypted with the data key: the same role may decrypt with it through Secrets Manager.
    const [holder] = holders;
    assert.ok(holder);
    const idpStatements = (holder.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    const decrypt = idpStatements.filter(
      (s) => actionsOf(s).includes('kms:Decrypt') && JSON.stringify(s.Condition).includes('secretsmanager.'),
    );
    assert.equal(decrypt.length, 1);
    assert.match(JSON.stringify(decrypt[0]?.Resource), /DataKey/);

    // Writing them is the admin API's (adding, re-keying, removing connections): that statement only.
    const writes = /^secretsmanager:(Create|Put|Update|Delete|Restore|Tag|Untag|Rotate|PutResourcePolicy)/;
    const writers = statements().filter(
      (s) =>
        actionsOf(s).some((a) => writes.test(a)) && resourcesOf(s).some((r) => r.includes('connections')),
    );
    assert.deepEqual(writers, [grant], 'no other statement writes them');
  });

  it('attaches no AWS managed policy to Sesame function roles', () => {
    for (const [id, role] of Object.entries(resources('AWS::IAM::Role'))) {
      if (id.includes('CloudWatchRole')) continue;
      assert.equal(role.Properties.ManagedPolicyArns, undefined, id);
    }
  });
});

describe('HTTP edge', () => {
  it('is a regional REST API proxying every path to the idp function', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{proxy+}' });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'live',
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: [Match.objectLike({ DataTraceEnabled: false, LoggingLevel: 'ERROR' })],
    });
  });

  it('puts a regional WAF web ACL with per-IP rate limits on the stage', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'browser-credentials-rate',
          Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'IP', Limit: 100 }) },
        }),
        Match.objectLike({
          Name: 'back-channel-per-client-rate',
          Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'CUSTOM_KEYS' }) },
        }),
        Match.objectLike({
          Name: 'global-rate',
          Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'IP' }) },
        }),
      ]),
    });
    const [assoc] = Object.values(resources('AWS::WAFv2::WebACLAssociation'));
    assert.ok(assoc);
    assert.match(JSON.stringify(assoc.Properties.ResourceArn), /\/restapis\/.*\/stages\/.*live/);
  });

  it('blocks everyone outside an access-restriction allow-list when one is configured', () => {
    const t = synthApp({ context: { 'sesame:allowedIpv4': '192.0.2.0/24, 198.51.100.7/32' } }).template(
      'Sesame',
    );
    t.hasResourceProperties('AWS::WAFv2::IPSet', {
      Addresses: ['192.0.2.0/24', '198.51.100.7/32'],
      Scope: 'REGIONAL',
    });
    t.hasResourceProperties('AWS::WAFv2::WebACL', {
      DefaultAction: { Block: {} },
      Rules: Match.arrayWith([
        Match.objectLike({ Name: 'access-restriction-allow-list', Action: { Allow: {} } }),
      ]),
    });
  });

  it('serves a custom domain at the root path with the execute-api URL switched off', () => {
    const t = synthApp({
      context: {
        'sesame:domainName': 'id.example.com',
        'sesame:certificateArn': 'arn:aws:acm:eu-west-1:111111111111:certificate/abc',
        'sesame:hostedZoneId': 'Z123',
        'sesame:hostedZoneName': 'example.com',
      },
    }).template('Sesame');
    t.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'id.example.com',
      SecurityPolicy: 'SecurityPolicy_TLS13_1_3_2025_09',
      EndpointConfiguration: { Types: ['REGIONAL'], IpAddressType: 'dualstack' },
    });
    const [mapping] = Object.values(t.findResources('AWS::ApiGateway::BasePathMapping')) as Resource[];
    assert.ok(mapping);
    assert.equal(mapping.Properties.BasePath, undefined, 'no base path: issuer paths have no prefix');
    t.hasResourceProperties('AWS::ApiGateway::RestApi', { DisableExecuteApiEndpoint: true });
    t.resourceCountIs('AWS::Route53::RecordSet', 2);
    const env = (idpFunction(t).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    assert.equal(env.SESAME_ISSUER, 'https://id.example.com');
  });

  it('has no WAF in the LocalStack stack', () => {
    local.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });
});

describe('secrets and mail', () => {
  it('keeps the signing and cookie keys in KMS-encrypted secrets named by the prefix', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'sesame/Sesame/oidc-signing-keys',
      KmsKeyId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'sesame/Sesame/cookie-keys' });
  });

  it('creates the SES identity for the configured sender, sendable only as that address', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'no-reply@example.com' });
    const send = statements().find((s) => actionsOf(s).includes('ses:SendEmail'));
    assert.match(JSON.stringify(send?.Condition), /no-reply@example.com/);
  });
});

describe('monitoring', () => {
  it('alarms on 5xx rate, Lambda errors and throttles, DynamoDB throttles, failed logins and lockouts', () => {
    const alarms = Object.values(resources('AWS::CloudWatch::Alarm')).map((a) =>
      String(a.Properties.AlarmDescription),
    );
    for (const what of [
      '5xx',
      'invocation errors',
      'throttled (concurrency',
      'DynamoDB throttled',
      'failed logins',
      'lockouts',
    ]) {
      assert.ok(
        alarms.some((d) => d.includes(what)),
        `an alarm for ${what}`,
      );
    }
  });

  it('counts audit events from the JSON logs with metric filters', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ ($.msg = "audit") && ($.type = "login.failure") }',
      MetricTransformations: [Match.objectLike({ MetricName: 'LoginFailures', MetricNamespace: 'Sesame' })],
    });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ ($.msg = "audit") && ($.type = "account.locked") }',
    });
  });

  it('sends alarms to an encrypted SNS topic with the e-mail subscription, and draws a dashboard', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    for (const a of Object.values(resources('AWS::CloudWatch::Alarm'))) assert.ok(a.Properties.AlarmActions);
  });
});
