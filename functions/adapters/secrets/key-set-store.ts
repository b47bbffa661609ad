import { randomUUID } from 'node:crypto';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { KeySecretName } from '../../domain/keys/key-sets.ts';
import {
  type KeySetStore,
  type KeySetVersion,
  ROTATION_STEPS,
  type RotationStep,
} from '../../domain/keys/rotation.ts';

type Client = Pick<SecretsManagerClient, 'send'>;

/**
 * The key secrets' versions for the rotation, on Secrets Manager:
 * - the version in use is the one labelled AWSCURRENT; its `CreatedDate` is when it was written;
 * - the step that wrote it is in its version id: the rotation passes `sesame-<step>-<uuid>` as the
 *   ClientRequestToken, which becomes the version id (a version written otherwise has a plain UUID);
 * - a write is conditional: the new version is put aside under the label `sesame-rotation`, then
 *   AWSCURRENT is moved to it from the version that was read. UpdateSecretVersionStage refuses the
 *   move when AWSCURRENT is no longer on that version (RemoveFromVersionId must match), so of two
 *   writers from the same version one wins and the other's version never comes into use.
 */
export class SecretsManagerKeySetStore implements KeySetStore {
  readonly #client: Client;
  readonly #prefix: string;

  constructor(client: Client, options: { prefix: string }) {
    this.#client = client;
    this.#prefix = options.prefix;
  }

  async current(secret: KeySecretName): Promise<KeySetVersion> {
    const out = await this.#client.send(new GetSecretValueCommand({ SecretId: this.#id(secret) }));
    if (!out.VersionId || !out.CreatedDate || out.SecretString === undefined)
      throw new Error(`${secret}: no current version`);
    return {
      id: out.VersionId,
      value: JSON.parse(out.SecretString),
      writtenAt: out.CreatedDate.getTime(),
      step: stepOfVersion(out.VersionId),
    };
  }

  async replace(secret: KeySecretName, base: string, value: unknown, step: RotationStep): Promise<boolean> {
    const SecretId = this.#id(secret);
    const id = rotationVersionId(step);
    await this.#client.send(
      new PutSecretValueCommand({
        SecretId,
        SecretString: JSON.stringify(value),
        ClientRequestToken: id,
        VersionStages: [ASIDE_STAGE],
      }),
    );
    try {
      await this.#client.send(
        new UpdateSecretVersionStageCommand({
          SecretId,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: id,
          RemoveFromVersionId: base,
        }),
      );
      return true;
    } catch (err) {
      // Refused because another write came first — or a retried call after our own move succeeded.
      const now = await this.current(secret).catch(() => undefined);
      if (now?.id === id) return true;
      if (!now || now.id === base) throw err;
      await this.#discard(SecretId, id);
      return false;
    }
  }

  /** Unlabelled, the unused version is deprecated and Secrets Manager deletes it in time. */
  async #discard(SecretId: string, id: string): Promise<void> {
    try {
      await this.#client.send(
        new UpdateSecretVersionStageCommand({ SecretId, VersionStage: ASIDE_STAGE, RemoveFromVersionId: id }),
      );
    } catch {
      // Best effort: a labelled leftover is replaced by the next write.
    }
  }

  #id(secret: KeySecretName): string {
    return `${this.#prefix}${secret}`;
  }
}

/** The label a new version waits under until it is made current. */
export const ASIDE_STAGE = 'sesame-rotation';

/** 32–64 characters, as Secrets Manager requires of a ClientRequestToken: `sesame-publish-<32 hex>`. */
export function rotationVersionId(step: RotationStep): string {
  return `sesame-${step}-${randomUUID().replaceAll('-', '')}`;
}

export function stepOfVersion(versionId: string): RotationStep | undefined {
  const step = /^sesame-([a-z]+)-[0-9a-f]{32}$/.exec(versionId)?.[1];
  return ROTATION_STEPS.find((s) => s === step);
}
