import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { AnyPrincipal, Effect, type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { type ResourcePolicy, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { tableDefinition } from '../../functions/adapters/dynamodb/tables.ts';
import type { SECRET_NAMES } from './environment.ts';

export type TableKind = 'oidc' | 'directory' | 'audit';

/** What writes a key secret's value in use: a new version, or AWSCURRENT moved to another one. */
export const WRITE_ACTIONS = ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'];

/** Mirrors functions/adapters/dynamodb/tables.ts: string `pk`/`sk`, TTL on `expiresAt`; the audit table's one index. */
export const TTL_ATTRIBUTE = 'expiresAt';

export interface SesameDataProps {
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
  /** `dynamodb`: no secrets; the function keeps its keys in the directory table (props.ts, `secretStore`). */
  readonly secretStore: 'secretsmanager' | 'dynamodb';
}

/**
 * RETAIN, except for a resource created by a create that failed: CloudFormation then deletes it while
 * rolling back. For the secrets (fixed names) that is what makes a failed first deploy retryable — a
 * retained `sesame/<stack>/cookie-keys` would make the retry fail "already exists" — and neither they
 * nor the key protect anything yet at that point.
 */
export function exceptOnCreate(policy: RemovalPolicy): RemovalPolicy {
  return policy === RemovalPolicy.RETAIN ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : policy;
}

/**
 * Everything Sesame stores: one customer-managed KMS key, the three tables and the three generated
 * secrets (signing, cookie and MFA keys; none with `secretStore: 'dynamodb'`).
 *
 * Removal: the key and the secrets follow `removalPolicy` (default RETAIN_ON_UPDATE_OR_DELETE: kept on
 * stack deletion and replacement, deleted only when the create that made them is rolled back). Tables
 * with deletion protection (the default) are RETAIN outright: CloudFormation could not delete them
 * anyway, and a rollback that tried would fail; their names are generated, so a table left behind by a
 * failed first deploy never blocks the retry (docs/operations.md says how to remove it).
 */
export class SesameData extends Construct {
  readonly key: Key;
  readonly tables: Record<TableKind, Table>;
  /** Absent when the keys live in the directory table (`secretStore: 'dynamodb'`). */
  readonly secrets: Record<(typeof SECRET_NAMES)[number], Secret> | undefined;
  /** Secrets are named `<secretsPrefix><name>`; the SecretStore adapter builds the same names. */
  readonly secretsPrefix: string | undefined;
  readonly #retained: RemovalPolicy;

  constructor(scope: Construct, id: string, props: SesameDataProps) {
    super(scope, id);
    const retained = exceptOnCreate(props.removalPolicy);
    this.#retained = retained;

    this.key = new Key(this, 'Key', {
      description: `Sesame data key (${Stack.of(this).stackName}): DynamoDB tables and secrets`,
      enableKeyRotation: true,
      removalPolicy: retained,
    });

    const table = (kind: TableKind) =>
      new Table(this, `${kind[0]?.toUpperCase()}${kind.slice(1)}Table`, {
        partitionKey: { name: 'pk', type: AttributeType.STRING },
        sortKey: { name: 'sk', type: AttributeType.STRING },
        billingMode: BillingMode.PAY_PER_REQUEST,
        encryption: TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: this.key,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        timeToLiveAttribute: TTL_ATTRIBUTE,
        deletionProtection: props.deletionProtection,
        removalPolicy: props.deletionProtection ? RemovalPolicy.RETAIN : retained,
      });
    this.tables = { oidc: table('oidc'), directory: table('directory'), audit: table('audit') };
    // The audit table's indexes (by target, by tenant), as tableDefinition describes them for every store.
    for (const index of tableDefinition('audit', 'audit').GlobalSecondaryIndexes ?? []) {
      const [hash, range] = index.KeySchema ?? [];
      if (!index.IndexName || !hash?.AttributeName || !range?.AttributeName) throw new Error('audit index');
      this.tables.audit.addGlobalSecondaryIndex({
        indexName: index.IndexName,
        partitionKey: { name: hash.AttributeName, type: AttributeType.STRING },
        sortKey: { name: range.AttributeName, type: AttributeType.STRING },
      });
    }

    if (props.secretStore === 'dynamodb') {
      this.secrets = undefined;
      this.secretsPrefix = undefined;
      return;
    }
    const prefix = `sesame/${Stack.of(this).stackName}/`;
    this.secretsPrefix = prefix;
    const secret = (name: (typeof SECRET_NAMES)[number]) =>
      new Secret(
        this,
        name.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()),
        {
          secretName: `${prefix}${name}`,
          description: `Sesame ${name}; generated at deploy by the Keygen custom resource, never in the template`,
          encryptionKey: this.key,
          // CloudFormation needs *some* initial value: a marker the keygen (and the SecretStore) replace.
          generateSecretString: {
            secretStringTemplate: JSON.stringify({ sesame: 'pending' }),
            generateStringKey: 'nonce',
          },
          removalPolicy: retained,
        },
      );
    this.secrets = {
      'oidc-signing-keys': secret('oidc-signing-keys'),
      'cookie-keys': secret('cookie-keys'),
      'mfa-keys': secret('mfa-keys'),
    };
  }

  /**
   * The data key, only through the services that use it (kms:ViaService); `readOnly` is Decrypt alone,
   * which is all reading a secret takes.
   */
  grantKeyVia(grantee: IGrantable, services: readonly string[], readOnly = false): void {
    const region = Stack.of(this).region;
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: readOnly
          ? ['kms:Decrypt']
          : ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: [this.key.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': services.map((s) => `${s}.${region}.amazonaws.com`) },
        },
      }),
    );
  }

  /** `actions` on the generated secrets (none without them), and their key through Secrets Manager. */
  grantSecrets(grantee: IGrantable, actions: string[]): void {
    if (!this.secrets) return;
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions, resources: Object.values(this.secrets).map((s) => s.secretArn) }),
    );
    const readOnly = actions.every((a) => a === 'secretsmanager:GetSecretValue');
    this.grantKeyVia(grantee, ['secretsmanager'], readOnly);
  }

  /**
   * Resource policies on the key secrets: reading them is denied to every principal but `readers`,
   * writing a new value — or moving AWSCURRENT, which could bring back an older (retired, perhaps
   * leaked) key set — to every principal but `writers`, whatever their IAM policies allow, so an
   * account-wide `secretsmanager:*` grant no longer reaches the signing keys. (Whoever may change or
   * delete the resource policy itself still can: docs/operations.md, "Who can read the keys".)
   */
  restrictSecrets(access: { readers: readonly string[]; writers: readonly string[] }): void {
    const deny = (actions: string[], allowed: readonly string[]) =>
      new PolicyStatement({
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions,
        resources: ['*'], // in a resource policy: this secret
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': [...allowed] } },
      });
    for (const secret of Object.values(this.secrets ?? {})) {
      secret.addToResourcePolicy(deny(['secretsmanager:GetSecretValue'], access.readers));
      secret.addToResourcePolicy(deny(WRITE_ACTIONS, access.writers));
      // A retained secret keeps its policy: deleting the stack must not open the keys up again.
      (secret.node.tryFindChild('Policy') as ResourcePolicy | undefined)?.applyRemovalPolicy(this.#retained);
    }
  }
}
