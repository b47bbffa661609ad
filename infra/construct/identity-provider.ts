import { Annotations, ArnFormat, CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { exceptOnCreate, SesameData, type TableKind, WRITE_ACTIONS } from './data.ts';
import { SesameEdge, STAGE_NAME } from './edge.ts';
import { CONNECTION_SECRETS_FOLDER, lambdaEnvironment, rotationEnvironment } from './environment.ts';
import {
  DEFAULT_MEMORY_MB,
  DEFAULT_TIMEOUT,
  SesameFunction,
  type SesameFunctionProps,
} from './idp-function.ts';
import { SesameMail } from './mail.ts';
import { SesameMonitoring } from './monitoring.ts';
import type { SesameIdentityProviderProps, SesameKeyRotationProps } from './props.ts';
import { validateProps } from './validate.ts';
import { SesameWaf } from './waf.ts';

/** How long CloudFormation waits for `Custom::SesameKeys` to answer. */
export const KEYGEN_SERVICE_TIMEOUT = Duration.minutes(10);
/** The keygen function's own limit; its AccessDenied retries stop early enough to answer within it. */
export const KEYGEN_TIMEOUT = Duration.minutes(2);

/** The rotation function's limit: three reads, at most three writes and two new RSA keys take seconds. */
export const ROTATION_TIMEOUT = Duration.minutes(1);
/** How often the rotation function looks for a due step unless `keyRotation.checkEvery` says otherwise. */
export const DEFAULT_ROTATION_CHECK = Duration.days(1);

/** Warning id for a reserved concurrency (acknowledgeable once the account's quota was checked). */
export const RESERVED_CONCURRENCY_WARNING = '@sesame/function:reservedConcurrency';
/** Warning id for keys kept in the directory table (acknowledged where that is the point: LocalStack). */
export const KEYS_IN_TABLE_WARNING = '@sesame/data:keysInDirectoryTable';

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
/** What the function may do to connection credentials (admin-api routes over domain/admin/federation.ts). */
const CONNECTION_SECRET_ACTIONS = [
  'secretsmanager:GetSecretValue',
  'secretsmanager:CreateSecret',
  'secretsmanager:PutSecretValue',
  'secretsmanager:DeleteSecret',
];

export class SesameIdentityProvider extends Construct {
  readonly data: SesameData;
  readonly idp: SesameFunction;
  /** Generates keys at deploy time (custom resource); absent with `secretStore: 'dynamodb'`. */
  readonly keygen: SesameFunction | undefined;
  /** Rotates the keys on a schedule; absent with `keyRotation: false` or `secretStore: 'dynamodb'`. */
  readonly rotation: { readonly fn: SesameFunction; readonly schedule: Rule } | undefined;
  readonly edge: SesameEdge;
  readonly waf: SesameWaf | undefined;
  readonly monitoring: SesameMonitoring | undefined;
  /** The SES identity; absent without `email` or with `email.smtpUrl`. */
  readonly mail: SesameMail | undefined;
  /** The OIDC issuer URL (discovery at `<issuer>/.well-known/openid-configuration`). */
  readonly issuer: string;
  /**
   * The ARN pattern of the connection credentials (`<prefix>connections/*`): operators create them
   * with the admin CLI, the idp Lambda may only read them. Absent with `secretStore: 'dynamodb'`
   * (credentials are then sealed in the directory table).
   */
  readonly connectionSecretsArn: string | undefined;

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
      secretStore: props.secretStore ?? 'secretsmanager',
    });
    const fn = { architecture, logRetention, removalPolicy };
    this.keygen = this.data.secrets
      ? new SesameFunction(this, 'Keygen', {
          ...fn,
          entry: 'keygen',
          description: 'Sesame: generates signing, cookie and MFA keys at deploy time',
          memorySize: 512,
          timeout: KEYGEN_TIMEOUT,
          environment: { NODE_OPTIONS: '--enable-source-maps' },
          ...(props.code ? { code: props.code.keygen } : {}),
        })
      : undefined;
    const keys = this.keygen && this.#generateKeysAtDeploy(this.keygen);
    if (!this.data.secrets) {
      Annotations.of(this).addWarningV2(
        KEYS_IN_TABLE_WARNING,
        "secretStore 'dynamodb': the signing, cookie and MFA keys are kept in the directory table, readable by " +
          'whoever can read the table or a backup of it. Meant for emulators without custom resources ' +
          "(LocalStack's free edition); use Secrets Manager (the default) anywhere else.",
      );
    }

    this.idp = new SesameFunction(this, 'Idp', {
      ...fn,
      entry: 'idp',
      description: 'Sesame: OpenID Connect endpoints and sign-in pages',
      memorySize: props.memorySize ?? DEFAULT_MEMORY_MB,
      timeout: DEFAULT_TIMEOUT,
      environment: {},
      // SMTP mail needs nodemailer in the bundle; SES deployments leave it out (bundle size, cold start).
      bundleSmtp: props.email?.smtpUrl !== undefined,
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
    if (keys) this.idp.function.node.addDependency(keys);
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
      ...(this.data.secretsPrefix === undefined ? {} : { secretsPrefix: this.data.secretsPrefix }),
    });
    for (const [name, value] of Object.entries(env)) this.idp.function.addEnvironment(name, value);

    this.#grantData(this.idp.role);
    // DescribeSecret: the admin API files a new connection credential under the same KMS key.
    this.data.grantSecrets(this.idp.role, ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']);
    this.connectionSecretsArn = this.#grantConnectionSecrets(this.idp.role);
    this.rotation =
      this.data.secretsPrefix !== undefined && props.keyRotation !== false
        ? this.#rotateKeys(props, this.data.secretsPrefix, props.keyRotation ?? {}, fn)
        : undefined;
    const breakGlass = props.breakGlassRoleArn === undefined ? [] : [props.breakGlassRoleArn];
    // The functions that make and rotate the keys may read and write them; the idp function only read.
    const keyWriters = [this.keygen, this.rotation?.fn].flatMap((f) => (f ? [f.role.roleArn] : []));
    this.data.restrictSecrets({
      readers: [this.idp.role.roleArn, ...keyWriters, ...breakGlass],
      writers: [...keyWriters, ...breakGlass],
    });
    if (props.email && props.email.smtpUrl === undefined) {
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

    this.monitoring =
      props.monitoring === false
        ? undefined
        : new SesameMonitoring(this, 'Monitoring', {
            ...(props.alarms ?? {}),
            api: this.edge.api,
            fn: this.idp.function,
            logGroup: this.idp.logGroup,
            tables: this.data.tables,
            removalPolicy: exceptOnCreate(removalPolicy),
            ...(this.rotation ? { keyRotation: this.rotation.fn.function } : {}),
          });
  }

  /**
   * The rotation function (infra/rotation) and its schedule. It may read and write the three key
   * secrets (and move their AWSCURRENT label, its conditional write) and use the data key only through
   * Secrets Manager; nothing else.
   */
  #rotateKeys(
    props: SesameIdentityProviderProps,
    secretsPrefix: string,
    rotation: SesameKeyRotationProps,
    fn: Pick<SesameFunctionProps, 'architecture' | 'logRetention' | 'removalPolicy'>,
  ): { fn: SesameFunction; schedule: Rule } {
    const rotator = new SesameFunction(this, 'KeyRotation', {
      ...fn,
      entry: 'rotation',
      description: 'Sesame: rotates the signing, cookie and MFA keys, one step per run',
      memorySize: 512,
      timeout: ROTATION_TIMEOUT,
      environment: rotationEnvironment(props, secretsPrefix),
      ...(props.code?.rotation ? { code: props.code.rotation } : {}),
    });
    this.data.grantSecrets(rotator.role, ['secretsmanager:GetSecretValue', ...WRITE_ACTIONS]);
    const schedule = new Rule(this, 'KeyRotationSchedule', {
      description: 'Sesame: runs the key rotation function, which takes a step when one is due',
      schedule: Schedule.rate(rotation.checkEvery ?? DEFAULT_ROTATION_CHECK),
      // A failed run is retried by Lambda twice; a missed one is tomorrow's run.
      targets: [new LambdaFunction(rotator.function, { retryAttempts: 2, maxEventAge: Duration.hours(2) })],
    });
    return { fn: rotator, schedule };
  }

  /** `Custom::SesameKeys`: fills the pending secrets once, inside AWS, with the application's own code. */
  #generateKeysAtDeploy(keygen: SesameFunction): CustomResource {
    this.data.grantSecrets(keygen.role, ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue']);
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
        SecretArns: Object.values(this.data.secrets ?? {}).map((s) => s.secretArn),
      },
    });
    keys.node.addDependency(keygen);
    return keys;
  }

  /**
   * `<prefix>connections/*` only (none when there is no Secrets Manager prefix): read at every
   * federated sign-in, and written by the admin API when an administrator adds, re-keys or removes a
   * connection (the CLI writes with the operator's own credentials).
   */
  #grantConnectionSecrets(grantee: IGrantable): string | undefined {
    if (this.data.secretsPrefix === undefined) return undefined;
    const arn = Stack.of(this).formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      // Secrets Manager appends a random suffix (-AbCdEf) to every secret's ARN: hence the `*`.
      resourceName: `${this.data.secretsPrefix}${CONNECTION_SECRETS_FOLDER}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    // The secrets are encrypted with the data key, which grantSecrets already lets the function use
    // through Secrets Manager.
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: CONNECTION_SECRET_ACTIONS, resources: [arn] }),
    );
    return arn;
  }

  #grantData(grantee: IGrantable): void {
    const arns = (kinds: TableKind[]) => kinds.map((k) => this.data.tables[k].tableArn);
    const policy = (actions: string[], resources: string[]) =>
      grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions, resources }));
    policy(READ_WRITE_ITEMS, arns(['oidc', 'directory']));
    policy(APPEND_ONLY_ITEMS, arns(['audit']));
    this.data.grantKeyVia(grantee, ['dynamodb']);
  }
}
