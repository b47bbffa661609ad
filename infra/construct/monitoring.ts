import { Annotations, Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  type Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { SesameAlarmProps } from './props.ts';

export const METRIC_NAMESPACE = 'Sesame';
/** Warning id (acknowledge it with `Annotations.of(scope).acknowledgeWarning` where that is intended). */
export const ALARMS_WITHOUT_ACTION = '@sesame/monitoring:alarmsWithoutAction';
const FIVE_MINUTES = Duration.minutes(5);

export interface SesameMonitoringProps extends SesameAlarmProps {
  readonly api: RestApi;
  readonly fn: IFunction;
  readonly logGroup: ILogGroup;
  readonly tables: Record<string, Table>;
  /** For the alarm topic's key. */
  readonly removalPolicy: RemovalPolicy;
  /** The key rotation function, when there is one: a failed run alarms. */
  readonly keyRotation?: IFunction;
}

/**
 * Alarms and a dashboard. Login failures and lockouts come from the application's JSON audit lines
 * (`{"msg":"audit","type":"login.failure"|"account.locked",...}`) through metric filters, so they
 * cost nothing until they happen and need no extra code in the hot path.
 */
export class SesameMonitoring extends Construct {
  readonly alarms: Alarm[] = [];
  readonly topic: ITopic | undefined;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: SesameMonitoringProps) {
    super(scope, id);
    this.topic =
      props.topic ?? (props.email ? this.#createTopic(props.email, props.removalPolicy) : undefined);
    if (!this.topic) {
      Annotations.of(this).addWarningV2(
        ALARMS_WITHOUT_ACTION,
        'The alarms have no action: nobody hears of a password-spraying spike, lockouts or 5xx errors. ' +
          'Give alarms.email or alarms.topic (in the project app: -c sesame:alarmEmail=ops@example.com).',
      );
    }

    const auditMetric = (name: string, type: string): Metric => {
      const filter = new MetricFilter(this, `${name}Filter`, {
        logGroup: props.logGroup,
        filterPattern: FilterPattern.all(
          FilterPattern.stringValue('$.msg', '=', 'audit'),
          FilterPattern.stringValue('$.type', '=', type),
        ),
        metricNamespace: METRIC_NAMESPACE,
        metricName: name,
        metricValue: '1',
        defaultValue: 0,
      });
      return filter.metric({ statistic: 'Sum', period: FIVE_MINUTES });
    };
    const failedLogins = auditMetric('LoginFailures', 'login.failure');
    const lockouts = auditMetric('AccountLockouts', 'account.locked');
    const appErrors = new MetricFilter(this, 'AppErrorsFilter', {
      logGroup: props.logGroup,
      filterPattern: FilterPattern.stringValue('$.level', '=', 'error'),
      metricNamespace: METRIC_NAMESPACE,
      metricName: 'ApplicationErrors',
      metricValue: '1',
      defaultValue: 0,
    }).metric({ statistic: 'Sum', period: FIVE_MINUTES });

    const requests = props.api.metricCount({ period: FIVE_MINUTES, statistic: 'Sum' });
    const serverErrors = props.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' });
    // A rate, not a count: 5 errors are an incident at 50 requests and noise at 50,000. The `requests`
    // floor keeps a single failed health check at night from paging anyone.
    const serverErrorRate = new MathExpression({
      expression: 'IF(requests >= 20, errors / requests, 0)',
      usingMetrics: { errors: serverErrors, requests },
      period: FIVE_MINUTES,
      label: '5xx rate',
    });
    const dynamoThrottles = new MathExpression({
      expression: Object.keys(props.tables)
        .map((k) => `r${k} + w${k}`)
        .join(' + '),
      usingMetrics: Object.fromEntries(
        Object.entries(props.tables).flatMap(([k, t]) => [
          [`r${k}`, t.metric('ReadThrottleEvents', { statistic: 'Sum', period: FIVE_MINUTES })],
          [`w${k}`, t.metric('WriteThrottleEvents', { statistic: 'Sum', period: FIVE_MINUTES })],
        ]),
      ),
      period: FIVE_MINUTES,
      label: 'DynamoDB throttled requests',
    });

    this.#alarm(
      'ServerErrorRate',
      serverErrorRate,
      props.serverErrorRate ?? 0.05,
      'Share of API requests answered 5xx',
      2,
    );
    this.#alarm(
      'LambdaErrors',
      props.fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
      5,
      'idp Lambda invocation errors',
    );
    this.#alarm(
      'LambdaThrottles',
      props.fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
      1,
      'idp Lambda throttled (concurrency limit)',
    );
    this.#alarm(
      'DynamoDbThrottles',
      dynamoThrottles,
      1,
      'DynamoDB throttled reads or writes on a Sesame table',
    );
    this.#alarm(
      'FailedLoginSpike',
      failedLogins,
      props.failedLoginsPer5Minutes ?? 50,
      'Spike in failed logins (password spraying?)',
    );
    this.#alarm(
      'LockoutSpike',
      lockouts,
      props.lockoutsPer5Minutes ?? 10,
      'Spike in account lockouts (attack or lockout DoS?)',
    );
    this.#alarm('ApplicationErrors', appErrors, 5, 'error-level application log lines');
    if (props.keyRotation)
      this.#alarm(
        'KeyRotationErrors',
        props.keyRotation.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        1,
        'key rotation run failed: a key set was not rotated (its log says which and why)',
      );

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `Sesame-${Stack.of(this).stackName}`,
      widgets: [
        [
          graph('Requests', [requests]),
          graph('5xx rate', [serverErrorRate]),
          graph('Latency p50/p99', [
            props.api.metricLatency({ statistic: 'p50', period: FIVE_MINUTES }),
            props.api.metricLatency({ statistic: 'p99', period: FIVE_MINUTES }),
          ]),
        ],
        [
          graph('Lambda errors / throttles', [
            props.fn.metricErrors({ period: FIVE_MINUTES }),
            props.fn.metricThrottles({ period: FIVE_MINUTES }),
          ]),
          graph('Lambda duration p50/p99', [
            props.fn.metricDuration({ statistic: 'p50', period: FIVE_MINUTES }),
            props.fn.metricDuration({ statistic: 'p99', period: FIVE_MINUTES }),
          ]),
          graph('DynamoDB throttles', [dynamoThrottles]),
        ],
        [
          graph('Failed logins', [failedLogins]),
          graph('Lockouts', [lockouts]),
          graph('Application errors', [appErrors]),
        ],
      ],
    });
  }

  #alarm(
    id: string,
    metric: Metric | MathExpression,
    threshold: number,
    description: string,
    periods = 1,
  ): void {
    const alarm = new Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `Sesame: ${description}`,
    });
    if (this.topic) alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }

  #createTopic(email: string, removalPolicy: RemovalPolicy): ITopic {
    // Its own key: CloudWatch must be allowed to use it to publish to an encrypted topic, and that
    // grant should not extend to the key that protects the user directory.
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'Sesame alarm topic',
      enableKeyRotation: true,
      removalPolicy,
    });
    const topic = new Topic(this, 'AlarmTopic', {
      masterKey: key,
      enforceSSL: true,
      displayName: 'Sesame alarms',
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'], // in a key policy, `*` means this key
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    topic.addSubscription(new EmailSubscription(email));
    return topic;
  }
}

function graph(title: string, left: Array<Metric | MathExpression>): GraphWidget {
  return new GraphWidget({ title, left, width: 8 });
}
