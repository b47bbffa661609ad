import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { SECRET_NAMES } from './environment.ts';

export type TableKind = 'oidc' | 'directory' | 'audit';

/** Mirrors functions/adapters/dynamodb/tables.ts: string `pk`/`sk`, TTL on `expiresAt`, no GSIs. */
export const TTL_ATTRIBUTE = 'expiresAt';

export interface SesameDataProps {
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Everything Sesame stores: one customer-managed KMS key, the three tables and the two generated
 * secrets. RETAIN (the default) also turns on DynamoDB deletion protection, so a stack deletion or a
 * replacement caused by a renamed construct can never drop the user directory.
 */
export class SesameData extends Construct {
  readonly key: Key;
  readonly tables: Record<TableKind, Table>;
  readonly secrets: Record<(typeof SECRET_NAMES)[number], Secret>;
  /** Secrets are named `<secretsPrefix><name>`; the SecretStore adapter builds the same names. */
  readonly secretsPrefix: string;

  constructor(scope: Construct, id: string, props: SesameDataProps) {
    super(scope, id);
    const retain = props.removalPolicy === RemovalPolicy.RETAIN;

    this.key = new Key(this, 'Key', {
      description: `Sesame data key (${Stack.of(this).stackName}): DynamoDB tables and secrets`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
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
        deletionProtection: retain,
        removalPolicy: props.removalPolicy,
      });
    this.tables = { oidc: table('oidc'), directory: table('directory'), audit: table('audit') };

    this.secretsPrefix = `sesame/${Stack.of(this).stackName}/`;
    const secret = (name: (typeof SECRET_NAMES)[number]) =>
      new Secret(
        this,
        name.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()),
        {
          secretName: `${this.secretsPrefix}${name}`,
          description: `Sesame ${name}; generated at deploy by the Keygen custom resource, never in the template`,
          encryptionKey: this.key,
          // CloudFormation needs *some* initial value: a marker the keygen (and the SecretStore) replace.
          generateSecretString: {
            secretStringTemplate: JSON.stringify({ sesame: 'pending' }),
            generateStringKey: 'nonce',
          },
          removalPolicy: props.removalPolicy,
        },
      );
    this.secrets = {
      'oidc-signing-keys': secret('oidc-signing-keys'),
      'cookie-keys': secret('cookie-keys'),
      'mfa-keys': secret('mfa-keys'),
    };
  }
}
