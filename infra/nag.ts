import { Stack, Token, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { CONNECTION_SECRETS_FOLDER } from './construct/environment.ts';
import type { SesameIdentityProvider } from './construct/identity-provider.ts';

/** Every cdk-nag finding Sesame accepts, each with the reason it is acceptable. */
export interface NagAcknowledgement {
  readonly id: string;
  readonly reason: string;
}

const ack = (scope: IConstruct, id: string, reason: string) =>
  Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-${id}`, reason });

export const REASONS = {
  SMG4:
    "Secrets Manager's own rotation replaces a value in one go, but a signing or cookie key must be published " +
    'before it is used and kept until everything it signed has expired. Sesame rotates these secrets with its own ' +
    'scheduled function instead (infra/rotation, an EventBridge rule: publish, promote, retire, one step per run; ' +
    'docs/operations.md, "Rotate keys"); running functions pick up each step within 5 minutes.',
  SMG4_MANUAL:
    'Signing and cookie keys cannot rotate by replacement: a new key must be added while old ones stay ' +
    'published until every token they signed has expired. keyRotation is switched off in this deployment, so the ' +
    'documented manual procedure applies (docs/operations.md, "Rotate keys").',
  APIG4:
    'An OpenID Connect provider is the authorization server itself: its endpoints (discovery, JWKS, authorize, ' +
    'login pages) must be reachable anonymously; the token, introspection and revocation endpoints authenticate ' +
    'clients per RFC 6749 inside oidc-provider, and the admin API checks Sesame-issued tokens itself.',
  COG4: 'Sesame is the identity provider; a Cognito authorizer in front of it would be circular (see APIG4).',
  APIG2:
    'Lambda proxy integration: OAuth/OIDC requests carry free-form query and form parameters that oidc-provider ' +
    'validates completely and answers with OAuth error responses (RFC 6749 §4.1.2.1); an API Gateway model ' +
    'would duplicate that and return non-OAuth errors.',
  IAM4:
    'CDK-created account-level role that lets API Gateway write access and execution logs; ' +
    'AmazonAPIGatewayPushToCloudWatchLogs is the policy AWS documents for it, and it holds no data permissions.',
  IAM5:
    'The idp Lambda reads upstream connection credentials, one secret per connection, which operators create ' +
    'with the admin CLI after deployment: their names are known only by prefix, and Secrets Manager adds a random ' +
    'suffix to every ARN. The grant is GetSecretValue alone, on <prefix>connections/* alone.',
  APIG3:
    "LocalStack stack only: WAF is not available in LocalStack's free edition. The production stack associates a " +
    'regional WAF web ACL with this stage.',
} as const;

/** Acknowledges the findings above on exactly the resources they concern (never stack-wide). */
export function acknowledgeNagFindings(sesame: SesameIdentityProvider): void {
  for (const secret of Object.values(sesame.data.secrets ?? {}))
    ack(secret, 'SMG4', sesame.rotation ? REASONS.SMG4 : REASONS.SMG4_MANUAL);
  const api = sesame.edge.api;
  for (const method of api.methods) {
    ack(method, 'APIG4', REASONS.APIG4);
    ack(method, 'COG4', REASONS.COG4);
  }
  ack(api, 'APIG2', REASONS.APIG2);
  const cloudWatchRole = api.node.tryFindChild('CloudWatchRole');
  if (cloudWatchRole) {
    ack(
      cloudWatchRole,
      'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      REASONS.IAM4,
    );
  }
  if (!sesame.waf) ack(api.deploymentStage, 'APIG3', REASONS.APIG3);
  const idpPolicy = sesame.idp.role.node.tryFindChild('DefaultPolicy');
  const prefix = sesame.data.secretsPrefix;
  if (idpPolicy && prefix !== undefined)
    ack(idpPolicy, `IAM5[Resource::${connectionSecretsAsNagNamesIt(sesame, prefix)}]`, REASONS.IAM5);
}

/** The ARN pattern of the connection credentials as cdk-nag names it: pseudo parameters as `<AWS::Name>`. */
function connectionSecretsAsNagNamesIt(sesame: SesameIdentityProvider, prefix: string): string {
  const stack = Stack.of(sesame);
  const pseudo = (value: string, name: string) => (Token.isUnresolved(value) ? `<AWS::${name}>` : value);
  const partition = pseudo(stack.partition, 'Partition');
  const region = pseudo(stack.region, 'Region');
  const account = pseudo(stack.account, 'AccountId');
  const name = `${prefix}${CONNECTION_SECRETS_FOLDER}*`;
  return `arn:${partition}:secretsmanager:${region}:${account}:secret:${name}`;
}
