import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * `@aws-sdk/credential-provider-node` for the Lambda bundle (infra/bundling.ts aliases it here). Lambda
 * hands a function its role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 * AWS_SESSION_TOKEN, and the SDK's default chain takes them from there first (fromEnv); the rest of the
 * chain (SSO, profiles, processes, web identity, instance metadata) and the STS/SSO clients it brings
 * (≈ 85 KB) can never be reached in Lambda, so the bundle leaves them out. Outside Lambda (npm start,
 * tests, the CLI) nothing is bundled and the SDK's own chain applies.
 */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}): AwsCredentialIdentityProvider =>
  fromEnv(init);
