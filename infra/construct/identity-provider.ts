import { Annotations, ArnFormat, CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { exceptOnCreate, SesameData, type TableKind } from './data.ts';
import { SesameEdge, STAGE_NAME } from './edge.ts';
import { CONNECTION_SECRETS_FOLDER, lambdaEnvironment } from './environment.ts';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, SesameFunction } from './idp-function.ts';
import { SesameMail } from './mail.ts';
import { SesameMonitoring } from './monitoring.ts';
import type { SesameIdentityProviderProps } from './props.ts';
import { validateProps } from './validate.ts';
import { SesameWaf } from './waf.ts';

/** How long CloudFormation waits for `Custom::SesameKeys` to answer. */
export const KEYGEN_SERVICE_TIMEOUT = Duration.minutes(10);
/** The keygen function's own limit; its AccessDenied retries stop early enough to answer within it. */
export const KEYGEN_TIMEOUT = Duration.minutes(2);

/** Warning id for a reserved concurrency (acknowledgeable once the account's quota was checked). */
export const RESERVED_CONCURRENCY_WARNING = '@sesame/function:reservedConcurrency';

/** Item-level actions only: no Scan, no table management, no `*`. */
const READ_WRITE_ITEMS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];
/** The audit trail is append-only for the application: it can add and read events, never change them. */
const APPEND_ONLY_ITEMS = ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Query'];

/**
 * Sesame, the serverless OpenID Connect identity provider, as one construct: KMS-encrypted DynamoDB
 * tables, deploy-time generated keys in Secrets Manager, the idp Lambda (Node.js 24, arm64), a
 * regional REST API behind AWS WAF, SES for mail, alarms and a dashboard.
 *
 * ```ts
 * new SesameIdentityProvider(stack, 'Sesame', {
 *   domain: { domainName: 'id.example.com', certificate },
 *   email: { sender: 'no-reply@example.com' },
 *   alarms: { email: 'ops@example.com' },
 * });
 * ```
 */
export class SesameIdentityProvider extends Construct {
  readonly data: SesameData;
  readonly idp: SesameFunction;
  /** Generates keys at deploy time (custom resource). */
  readonly keygen: SesameFunction;
  readonly edge: SesameEdge;
  readonly waf: SesameWaf | undefined;
  readonly monitoring: SesameMonitoring;
  readonly mail: SesameMail | undefined;
  /** The OIDC issuer URL (discovery at `<issuer>/.well-known/openid-configuration`). */
  readonly issuer: string;
  /**
   * The ARN pattern of the connection credentials (`<prefix>connections/*`): operators create them
   * with the admin CLI, the idp Lambda may only read them.
   */
  readonly connectionSecretsArn: string;

  constructor(scope: Construct, id: string, props: SesameIdentityProviderProps = {}) {
    super(scope, id);
    // Bad settings fail `cdk synth` here, not every request after the deploy.
    validateProps(this.node.path, props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
    const logRetention = props.logRetention ?? RetentionDays.ONE_YEAR;
    const architecture = props.architecture ?? Architecture.ARM_64;

    this.data = new SesameData(this, 'Data', {
      removalPolicy,
      deletionProtection: props.deletionProtection ?? removalPolicy !== RemovalPolicy.DESTROY,
    });
    const keygen = new SesameFunction(this, 'Keygen', {
      entry: 'keygen',
      description: 'Sesame: generates signing and cookie keys at deploy time',
      architecture,
      memorySize: 512,
      timeout: KEYGEN_TIMEOUT,
      environment: { NODE_OPTIONS: '--enable-source-maps' },
      logRetention,
      removalPolicy,
      ...(props.code ? { code: props.code.keygen } : {}),
    });
    this.#grantSecrets(keygen.role, ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue']);
    const keys = new CustomResource(this, 'Keys', {
      serviceToken: keygen.function.functionArn,
      resourceType: 'Custom::SesameKeys',
      // CloudFormation's default is to wait an hour for a custom resource that never answers (a crash
      // before the handler can respond). Long enough for Lambda's two asynchronous retries of the
      // 2-minute function and their back-off, short enough to see a broken deploy fail soon.
      serviceTimeout: KEYGEN_SERVICE_TIMEOUT,
      properties: {
        SecretsPrefix: this.data.secretsPrefix,
        // Referencing the ARNs orders the keygen after the secrets exist.
        SecretArns: Object.values(this.data.secrets).map((s) => s.secretArn),
      },
    });
    keys.node.addDependency(keygen);
    this.keygen = keygen;

    this.idp = new SesameFunction(this, 'Idp', {
      entry: 'idp',
      description: 'Sesame: OpenID Connect endpoints and sign-in pages',
      architecture,
      memorySize: props.memorySize ?? DEFAULT_MEMORY_MB,
      timeout: DEFAULT_TIMEOUT,
      environment: {},
      logRetention,
      removalPolicy,
      ...(props.reservedConcurrency === undefined ? {} : { reservedConcurrency: props.reservedConcurrency }),
      ...(props.code ? { code: props.code.idp } : {}),
    });
    if (props.reservedConcurrency !== undefined) {
      Annotations.of(this).addWarningV2(
        RESERVED_CONCURRENCY_WARNING,
        `reservedConcurrency ${props.reservedConcurrency}: Lambda keeps at least 100 concurrent executions of ` +
          'the account unreserved, and a new account may have a quota of only 10, so the deploy fails unless ' +
          'the quota exceeds the reservation by 100. Check `aws lambda get-account-settings` ' +
          '(ConcurrentExecutions) and raise the quota in Service Quotas first (docs/operations.md).',
      );
    }
    // Keys exist before the first request can arrive.
    this.idp.function.node.addDependency(keys);
    this.edge = new SesameEdge(this, 'Edge', {
      handler: this.idp.function,
      logRetention,
      removalPolicy,
      ...(props.domain ? { domain: props.domain } : {}),
      ...(props.throttling ? { throttling: props.throttling } : {}),
    });
    this.issuer =
      typeof props.issuer === 'function'
        ? props.issuer({ restApiId: this.edge.api.restApiId, stageName: STAGE_NAME })
        : (props.issuer ?? this.edge.baseUrl);

    const env = lambdaEnvironment(props, {
      issuer: this.issuer,
      tables: {
        oidc: this.data.tables.oidc.tableName,
        directory: this.data.tables.directory.tableName,
        audit: this.data.tables.audit.tableName,
      },
      secretsPrefix: this.data.secretsPrefix,
    });
    for (const [name, value] of Object.entries(env)) this.idp.function.addEnvironment(name, value);

    this.#grantData(this.idp.role);
    this.#grantSecrets(this.idp.role, ['secretsmanager:GetSecretValue']);
    this.connectionSecretsArn = Stack.of(this).formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      // Secrets Manager appends a random suffix (-AbCdEf) to every secret's ARN: hence the `*`.
      resourceName: `${this.data.secretsPrefix}${CONNECTION_SECRETS_FOLDER}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    // Read only, that folder only; the secrets are encrypted with the data key, which #grantSecrets
    // already lets the function use through Secrets Manager.
    this.idp.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [this.connectionSecretsArn],
      }),
    );
    if (props.email) {
      this.mail = new SesameMail(this, 'Mail', props.email);
      this.mail.grantSend(this.idp.role);
    }

    this.waf =
      props.waf === false
        ? undefined
        : new SesameWaf(this, 'Waf', {
            ...(props.waf ?? {}),
            stageArn: this.edge.api.deploymentStage.stageArn,
          });

    this.monitoring = new SesameMonitoring(this, 'Monitoring', {
      ...(props.alarms ?? {}),
      api: this.edge.api,
      fn: this.idp.function,
      logGroup: this.idp.logGroup,
      tables: this.data.tables,
      removalPolicy: exceptOnCreate(removalPolicy),
    });
  }

  #grantData(grantee: IGrantable): void {
    const arns = (kinds: TableKind[]) => kinds.map((k) => this.data.tables[k].tableArn);
    const policy = (actions: string[], resources: string[]) =>
      grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions, resources }));
    policy(READ_WRITE_ITEMS, arns(['oidc', 'directory']));
    policy(APPEND_ONLY_ITEMS, arns(['audit']));
    this.#grantKey(grantee, ['dynamodb']);
  }

  #grantSecrets(grantee: IGrantable, actions: string[]): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions, resources: Object.values(this.data.secrets).map((s) => s.secretArn) }),
    );
    this.#grantKey(grantee, ['secretsmanager']);
  }

  /** The data key, only through the services that encrypt with it (kms:ViaService). */
  #grantKey(grantee: IGrantable, services: string[]): void {
    const region = Stack.of(this).region;
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: [this.data.key.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': services.map((s) => `${s}.${region}.amazonaws.com`) },
        },
      }),
    );
  }
}
