import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { SecretsManagerSecretStore } from '../../functions/adapters/secrets/secrets-manager.ts';
import { loadProviderKeys } from '../../functions/oidc/keys.ts';

/**
 * CloudFormation custom resource that generates Sesame's signing and cookie keys at deploy time, with
 * the very code the application would run on first boot (`loadProviderKeys` over the Secrets Manager
 * SecretStore), so key material is never in the template or the CDK output.
 *
 * Create and Update only fill secrets that are still pending — an existing key is never replaced
 * (rotation is a deliberate, documented procedure). Delete does nothing: the secrets' own removal
 * policy decides their fate.
 */
export async function handler(event: CloudFormationCustomResourceEvent, _context: Context): Promise<void> {
  const physicalId = `sesame-keygen-${String(event.ResourceProperties.SecretsPrefix)}`;
  let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
  let reason = 'keys present';
  try {
    if (event.RequestType !== 'Delete') {
      const store = new SecretsManagerSecretStore(new SecretsManagerClient({}), {
        prefix: String(event.ResourceProperties.SecretsPrefix),
        allowCreate: true,
      });
      await loadProviderKeys(store);
    }
  } catch (err) {
    status = 'FAILED';
    // Name only: messages from key generation or the SDK never carry key material, but keep it short.
    reason = err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 200) : 'unknown error';
  }
  await respond(event, status, reason, physicalId);
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
