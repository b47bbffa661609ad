import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  type CfnDomainName,
  type CfnRestApi,
  DomainName,
  EndpointAccessMode,
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

/** The API Gateway security policy for each `domain.tlsPolicy` (aws-cdk-lib's SecurityPolicy enum). */
export const TLS_POLICIES = {
  tls13: SecurityPolicy.TLS13_1_3_2025_09,
  'tls13-or-tls12': SecurityPolicy.TLS13_1_2_PFS_PQ_2025_09,
  'legacy-tls12': SecurityPolicy.TLS_1_2,
} as const satisfies Record<NonNullable<SesameDomainProps['tlsPolicy']>, SecurityPolicy>;

/** The host that demands client certificates: `mutualTls.domainName`, default `mtls.<domainName>`. */
export function mutualTlsHost(domain: SesameDomainProps): string | undefined {
  if (!domain.mutualTls) return undefined;
  return domain.mutualTls.domainName ?? `mtls.${domain.domainName}`;
}

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
 * origin stays publicly reachable around it). REST API also has mutual TLS on regional custom domains
 * (on its own host, `mtls.<domain>`, never the browsers' one),
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
    const mtlsHost = domain && mutualTlsHost(domain);
    const policy = TLS_POLICIES[domain?.tlsPolicy ?? 'tls13'];
    const enhanced = policy !== SecurityPolicy.TLS_1_2;
    const dualStack = domain?.ipv6 ?? true;
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
              securityPolicy: policy,
              // Enhanced (SecurityPolicy_*) policies need an access mode; STRICT checks SNI = Host.
              ...(enhanced ? { endpointAccessMode: EndpointAccessMode.STRICT } : {}),
              // Never mutual TLS here: browsers would be asked for a client certificate.
            },
          }
        : {}),
    });
    const integration = new LambdaIntegration(props.handler, { proxy: true });
    this.api.root.addMethod('ANY', integration);
    this.api.root.addResource('{proxy+}').addMethod('ANY', integration);

    if (!domain || !this.api.domainName) return;
    const records = (idPrefix: string, recordName: string, target: DomainName) => {
      if (!domain.hostedZone) return;
      const alias = RecordTarget.fromAlias(new ApiGatewayDomain(target));
      new ARecord(this, `${idPrefix}A`, { zone: domain.hostedZone, recordName, target: alias });
      // An AAAA alias to an IPv4-only domain name answers IPv6 clients with nothing usable.
      if (dualStack)
        new AaaaRecord(this, `${idPrefix}Aaaa`, { zone: domain.hostedZone, recordName, target: alias });
    };
    const ipAddressType = dualStack ? 'dualstack' : 'ipv4';
    // The DomainName construct has no IP address type (aws-cdk-lib 2.276); the resource has.
    const setIpAddressType = (d: DomainName) =>
      (d.node.defaultChild as CfnDomainName).addPropertyOverride(
        'EndpointConfiguration.IpAddressType',
        ipAddressType,
      );
    setIpAddressType(this.api.domainName);
    records('Alias', domain.domainName, this.api.domainName);

    const cfnApi = this.api.node.defaultChild as CfnRestApi;
    if (mtlsHost && domain.mutualTls) {
      // Mutual TLS cannot use an enhanced policy, and API Gateway negotiates a custom domain's
      // handshake with the *API's* policy: with an mTLS host the API keeps the legacy TLS 1.2 one.
      cfnApi.securityPolicy = SecurityPolicy.TLS_1_2;
      const mtls = new DomainName(this, 'MtlsDomain', {
        domainName: mtlsHost,
        certificate: domain.mutualTls.certificate ?? domain.certificate,
        endpointType: EndpointType.REGIONAL,
        securityPolicy: SecurityPolicy.TLS_1_2,
        mtls: {
          bucket: domain.mutualTls.bucket,
          key: domain.mutualTls.key,
          ...(domain.mutualTls.version ? { version: domain.mutualTls.version } : {}),
        },
      });
      mtls.addBasePathMapping(this.api);
      setIpAddressType(mtls);
      records('MtlsAlias', mtlsHost, mtls);
    } else {
      // AWS: use the same policy on the API as on its custom domain (the handshake uses the API's).
      cfnApi.securityPolicy = policy;
      if (enhanced) cfnApi.endpointAccessMode = EndpointAccessMode.STRICT;
    }
  }

  /** The public base URL without trailing slash: the custom domain, else execute-api + stage. */
  get baseUrl(): string {
    if (this.#domainName) return `https://${this.#domainName}`;
    const stack = Stack.of(this);
    return `https://${this.api.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}/${STAGE_NAME}`;
  }
}
