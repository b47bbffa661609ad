import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
  SecurityPolicy,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AaaaRecord, ARecord, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { ApiGatewayDomain } from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import type { SesameDomainProps } from './props.ts';

export const STAGE_NAME = 'live';

export interface SesameEdgeProps {
  readonly handler: IFunction;
  readonly domain?: SesameDomainProps;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly throttling?: { readonly rateLimit?: number; readonly burstLimit?: number };
}

/**
 * The HTTP edge: a *regional REST API* (API Gateway v1) proxying every path to the idp Lambda.
 *
 * Why REST API and not HTTP API: AWS WAF attaches to REST API stages directly but not to HTTP APIs
 * (those would need CloudFront in front, whose WAF and certificate must live in us-east-1 and whose
 * origin stays publicly reachable around it). REST API also has mutual TLS on regional custom domains,
 * per-stage throttling, and is the API Gateway flavour LocalStack's free edition emulates.
 * The costs: $3.50 instead of $1.00 per million requests, and payload format 1.0 (serverless-http
 * maps it; several Set-Cookie headers travel in `multiValueHeaders`).
 *
 * No stage prefix: oidc-provider derives its endpoint URLs from the request path, and `/live/...` in
 * the browser but `/...` in the Lambda event breaks interaction and discovery URLs. With a custom
 * domain the base path mapping is the root (`''`) and the execute-api endpoint is switched off, so the
 * issuer has no prefix and there is exactly one URL. Without a custom domain (throw-away and
 * LocalStack environments) the issuer carries `/live` and the application must mount itself there.
 */
export class SesameEdge extends Construct {
  readonly api: RestApi;
  readonly accessLogs: LogGroup;
  readonly #domainName: string | undefined;

  constructor(scope: Construct, id: string, props: SesameEdgeProps) {
    super(scope, id);
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const domain = props.domain;
    this.#domainName = domain?.domainName;
    this.api = new RestApi(this, 'Api', {
      description: 'Sesame OpenID Connect identity provider',
      endpointTypes: [EndpointType.REGIONAL],
      // One public URL only: the issuer. With a custom domain the execute-api URL is switched off.
      disableExecuteApiEndpoint: domain !== undefined,
      binaryMediaTypes: ['image/*'],
      // API Gateway can only write access/execution logs through the account-wide role; keep it on
      // stack deletion because other APIs in the account rely on the same setting.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: STAGE_NAME,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields({
          caller: false,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: false,
        }),
        // Errors only, and never request bodies: they carry passwords and one-time codes.
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        throttlingRateLimit: props.throttling?.rateLimit ?? 500,
        throttlingBurstLimit: props.throttling?.burstLimit ?? 1000,
      },
      ...(domain
        ? {
            domainName: {
              domainName: domain.domainName,
              certificate: domain.certificate,
              endpointType: EndpointType.REGIONAL,
              securityPolicy: SecurityPolicy.TLS_1_2,
              ...(domain.mutualTls
                ? {
                    mtls: {
                      bucket: domain.mutualTls.bucket,
                      key: domain.mutualTls.key,
                      ...(domain.mutualTls.version ? { version: domain.mutualTls.version } : {}),
                    },
                  }
                : {}),
            },
          }
        : {}),
    });
    const integration = new LambdaIntegration(props.handler, { proxy: true });
    this.api.root.addMethod('ANY', integration);
    this.api.root.addResource('{proxy+}').addMethod('ANY', integration);

    if (domain?.hostedZone && this.api.domainName) {
      const target = RecordTarget.fromAlias(new ApiGatewayDomain(this.api.domainName));
      const recordName = domain.domainName;
      new ARecord(this, 'AliasA', { zone: domain.hostedZone, recordName, target });
      new AaaaRecord(this, 'AliasAaaa', { zone: domain.hostedZone, recordName, target });
    }
  }

  /** The public base URL without trailing slash: the custom domain, else execute-api + stage. */
  get baseUrl(): string {
    if (this.#domainName) return `https://${this.#domainName}`;
    const stack = Stack.of(this);
    return `https://${this.api.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}/${STAGE_NAME}`;
  }
}
