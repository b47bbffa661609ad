import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { SecretsManagerSecretStore } from '../../functions/adapters/secrets/secrets-manager.ts';
import { provisionKeys } from '../../functions/oidc/keys.ts';

/**
 * CloudFormation custom resource that generates Sesame's signing, cookie and MFA keys at deploy time,
 * with the very code the application would run on first boot (`provisionKeys` over the Secrets Manager
 * SecretStore), so key material is never in the template or the CDK output.
 *
 * Create and Update only fill secrets that are still pending — an existing key is never replaced
 * (rotation is the rotation function's job, infra/rotation). Delete does nothing: the secrets' own removal
 * policy decides their fate.
 */
export const handler = keygenHandler({
  generate: (prefix) =>
    provisionKeys(new SecretsManagerSecretStore(new SecretsManagerClient({}), { prefix, allowCreate: true })),
});

/** How long AccessDenied is taken for IAM still propagating the role's brand-new policy. */
export const ACCESS_DENIED_PATIENCE_MS = 60_000;
/** Kept free at the end of the invocation to send the response before Lambda stops the function. */
const RESPONSE_RESERVE_MS = 10_000;

export interface KeygenDeps {
  generate(secretsPrefix: string): Promise<void>;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * The handler, with its collaborators injectable for tests. A new role's policy can take seconds to
 * be honoured everywhere (IAM is eventually consistent), so on a fresh stack the first calls may be
 * refused: AccessDenied is retried with backoff for up to a minute — bounded by the invocation's own
 * time, so that a FAILED response always reaches CloudFormation instead of a timeout that leaves the
 * stack waiting. Any other error fails at once.
 */
export function keygenHandler(deps: KeygenDeps) {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = deps.now ?? Date.now;
  return async (
    event: CloudFormationCustomResourceEvent,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ) => {
    const prefix = String(event.ResourceProperties.SecretsPrefix);
    const physicalId = `sesame-keygen-${prefix}`;
    let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
    let reason = 'keys present';
    if (event.RequestType !== 'Delete') {
      const started = now();
      const giveUpAt =
        started +
        Math.min(ACCESS_DENIED_PATIENCE_MS, context.getRemainingTimeInMillis() - RESPONSE_RESERVE_MS);
      for (let attempt = 1; ; attempt++) {
        try {
          await deps.generate(prefix);
          if (attempt > 1)
            reason = `keys present (after ${attempt} attempts: the role's policy was propagating)`;
          break;
        } catch (err) {
          const wait = Math.min(1_000 * 2 ** (attempt - 1), 8_000);
          if (isAccessDenied(err) && now() + wait < giveUpAt) {
            await sleep(wait);
            continue;
          }
          status = 'FAILED';
          // Name and message only: errors from key generation or the SDK never carry key material.
          reason = err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 200) : 'unknown error';
          break;
        }
      }
    }
    await respond(event, status, reason, physicalId);
  };
}

/** Secrets Manager and KMS both say AccessDeniedException; STS-style services say AccessDenied. */
function isAccessDenied(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AccessDeniedException' || err.name === 'AccessDenied');
}

async function respond(
  event: CloudFormationCustomResourceEvent,
  status: 'SUCCESS' | 'FAILED',
  reason: string,
  physicalResourceId: string,
): Promise<void> {
  const body = JSON.stringify({
    Status: status,
    Reason: reason,
    PhysicalResourceId: physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  // The pre-signed S3 URL expects no content type; a failed PUT leaves the stack waiting, so retry.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const res = await fetch(event.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '' } });
      if (res.ok) return;
    } catch {
      // network hiccup: retry below
    }
    await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
  }
  throw new Error('could not deliver the custom resource response');
}
