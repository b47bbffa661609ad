import { App, Duration, RemovalPolicy, type Stack, Validations } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { HostedZone } from 'aws-cdk-lib/aws-route53';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { SesameIdentityProviderProps } from './construct/props.ts';
import { forLocalStackOnly, localStackCommunityProps } from './stacks/localstack.ts';
import { SesameStack } from './stacks/sesame-stack.ts';

type Context = (key: string) => string | undefined;

/**
 * The project's CDK app: `Sesame` (production profile) and, only with `-c sesame:local=true`,
 * `SesameLocal` (LocalStack; its template also carries a rule a real account fails). Settings come
 * from CDK context (`cdk.json` or `-c sesame:domainName=id.example.com`), never from code edits:
 *
 * sesame:domainName + sesame:certificateArn (regional ACM certificate), sesame:hostedZoneId +
 * sesame:hostedZoneName, sesame:tlsPolicy (tls13|tls13-or-tls12|legacy-tls12), sesame:ipv6 (false: IPv4 only), sesame:issuer, sesame:sender, sesame:alarmEmail, sesame:allowedIpv4
 * (comma-separated CIDRs), sesame:exemptIpv4 (app back ends' CIDRs, exempt from the back-channel
 * and general rate limits), sesame:breakGlassRoleArn, sesame:reservedConcurrency,
 * sesame:mfaPolicy (off|optional|required), sesame:keyRotation (`false`: no rotation function; or the
 * rotation period in days, default 90);
 * sesame:local=true adds SesameLocal (stacks/localstack.ts), sesame:smtpUrl its mail server.
 *
 * `overrides(stackName)` patch a stack's props (tests pass prebuilt `code`).
 *
 * Every stack is checked with cdk-nag's AWS Solutions rules; an unacknowledged error fails synth.
 */
export function createSesameApp(
  app = new App(),
  overrides: (stackName: string) => Partial<SesameIdentityProviderProps> = () => ({}),
): App {
  const ctx: Context = (key) => {
    const v: unknown = app.node.tryGetContext(`sesame:${key}`);
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  // Env-agnostic unless the CLI knows an account: synth works offline with no credentials.
  const env = {
    ...(process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT } : {}),
    ...(process.env.CDK_DEFAULT_REGION ? { region: process.env.CDK_DEFAULT_REGION } : {}),
  };

  new SesameStack(app, 'Sesame', {
    env,
    description: 'Sesame serverless OpenID Connect identity provider',
    sesame: (stack) => ({ ...productionProps(stack, ctx), ...overrides('Sesame') }),
  });

  // Only on request: SesameLocal has no WAF and is destroyed with its stack, so `cdk deploy --all`
  // against a real account must not find it.
  if (ctx('local') === 'true') {
    const local = new SesameStack(app, 'SesameLocal', {
      env,
      description: 'Sesame on LocalStack Community (no WAF, no custom domain, destroyed with the stack)',
      sesame: { ...localStackCommunityProps(ctx('sender'), ctx('smtpUrl')), ...overrides('SesameLocal') },
    });
    forLocalStackOnly(local);
  }

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

function productionProps(stack: Stack, ctx: Context): SesameIdentityProviderProps {
  const domainName = ctx('domainName');
  const certificateArn = ctx('certificateArn');
  const zoneId = ctx('hostedZoneId');
  const zoneName = ctx('hostedZoneName');
  const issuer = ctx('issuer');
  const sender = ctx('sender');
  const alarmEmail = ctx('alarmEmail');
  const reserved = ctx('reservedConcurrency');
  const mfa = ctx('mfaPolicy');
  const breakGlass = ctx('breakGlassRoleArn');
  const tlsPolicyName = ctx('tlsPolicy');
  const tlsPolicies = ['tls13', 'tls13-or-tls12', 'legacy-tls12'] as const;
  const tlsPolicy = tlsPolicies.find((p) => p === tlsPolicyName);
  const ipv6 = ctx('ipv6');
  const rotation = ctx('keyRotation');
  const csv = (key: string) =>
    ctx(key)
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const exempt = csv('exemptIpv4');
  const allowed = csv('allowedIpv4');
  if (domainName && !certificateArn) throw new Error('sesame:domainName needs sesame:certificateArn');
  if (tlsPolicyName && !tlsPolicy)
    throw new Error(`sesame:tlsPolicy must be ${tlsPolicies.join(', ')}; got "${tlsPolicyName}"`);
  if (ipv6 && ipv6 !== 'true' && ipv6 !== 'false')
    throw new Error(`sesame:ipv6 must be true or false, got "${ipv6}"`);
  if (rotation && rotation !== 'false' && !/^[1-9]\d*$/.test(rotation))
    throw new Error(`sesame:keyRotation must be false or a number of days, got "${rotation}"`);
  return {
    removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    ...(issuer ? { issuer } : {}),
    ...(domainName && certificateArn
      ? {
          domain: {
            domainName,
            certificate: Certificate.fromCertificateArn(stack, 'Certificate', certificateArn),
            ...(tlsPolicy ? { tlsPolicy } : {}),
            ...(ipv6 ? { ipv6: ipv6 === 'true' } : {}),
            ...(zoneId && zoneName
              ? {
                  hostedZone: HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
                    hostedZoneId: zoneId,
                    zoneName,
                  }),
                }
              : {}),
          },
        }
      : {}),
    ...(sender ? { email: { sender } } : {}),
    ...(alarmEmail ? { alarms: { email: alarmEmail } } : {}),
    waf: {
      ...(allowed?.length ? { allowedIpv4Ranges: allowed } : {}),
      ...(exempt?.length ? { exemptIpv4Ranges: exempt } : {}),
    },
    ...(breakGlass ? { breakGlassRoleArn: breakGlass } : {}),
    ...(reserved ? { reservedConcurrency: Number(reserved) } : {}),
    ...(rotation === 'false'
      ? { keyRotation: false }
      : rotation
        ? { keyRotation: { period: Duration.days(Number(rotation)) } }
        : {}),
    ...(mfa === 'off' || mfa === 'optional' || mfa === 'required' ? { mfa: { policy: mfa } } : {}),
  };
}
