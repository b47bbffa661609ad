import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { SecretStore } from '../../domain/ports.ts';

/**
 * SecretStore on AWS Secrets Manager. Secret `name` lives at `<prefix><name>` (the CDK construct
 * creates `sesame/<stack>/oidc-signing-keys`, `…/cookie-keys` and `…/mfa-keys` and passes the prefix in
 * SESAME_SECRETS_PREFIX). The value is the JSON of what `generate` returned, which the rotation function
 * (and, by hand, an operator) rewrites (see docs/operations.md, "Rotate keys").
 *
 * CloudFormation must give a secret an initial value: the construct writes `{"sesame":"pending",...}`,
 * which this store treats as "not generated yet". Generation is race-safe without a lock:
 * - a missing secret is created with CreateSecret; the loser of a race gets ResourceExistsException;
 * - a pending secret is replaced with PutSecretValue under a fixed ClientRequestToken; Secrets Manager
 *   refuses a second, different value under the same token (ResourceExistsException);
 * and everyone then re-reads, so all callers return the single value that won.
 *
 * With `allowCreate: false` (the default, and what the request-serving Lambda uses: it may only read)
 * a missing or pending secret fails closed instead of being generated.
 */
export interface SecretsManagerStoreOptions {
  prefix: string;
  allowCreate?: boolean;
  /** KMS key for secrets created by this store (pending secrets keep their key). */
  kmsKeyId?: string;
}

type Client = Pick<SecretsManagerClient, 'send'>;

export class SecretNotProvisioned extends Error {
  override name = 'SecretNotProvisioned';
}

type Read<T> = { kind: 'value'; value: T } | { kind: 'pending' } | { kind: 'missing' };

export function isPendingMarker(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { sesame?: unknown }).sesame === 'pending';
}

/** Fixed per secret, 32–64 characters as Secrets Manager requires. */
export function initialVersionToken(name: string): string {
  return `sesame-initial-${name}`.padEnd(32, '0').slice(0, 64);
}

export class SecretsManagerSecretStore implements SecretStore {
  readonly #client: Client;
  readonly #options: SecretsManagerStoreOptions;

  constructor(client: Client, options: SecretsManagerStoreOptions) {
    this.#client = client;
    this.#options = options;
  }

  async getOrCreate<T>(name: string, generate: () => Promise<T>): Promise<T> {
    const id = `${this.#options.prefix}${name}`;
    const first = await this.#read<T>(id);
    if (first.kind === 'value') return first.value;
    if (!this.#options.allowCreate) throw new SecretNotProvisioned(`secret ${id} has not been generated`);

    const secretString = JSON.stringify(await generate());
    try {
      if (first.kind === 'missing') {
        await this.#client.send(
          new CreateSecretCommand({
            Name: id,
            SecretString: secretString,
            ...(this.#options.kmsKeyId ? { KmsKeyId: this.#options.kmsKeyId } : {}),
          }),
        );
      } else {
        await this.#client.send(
          new PutSecretValueCommand({
            SecretId: id,
            SecretString: secretString,
            ClientRequestToken: initialVersionToken(name),
          }),
        );
      }
    } catch (err) {
      if (!isNamed(err, 'ResourceExistsException')) throw err;
    }
    const after = await this.#read<T>(id);
    if (after.kind !== 'value') throw new SecretNotProvisioned(`secret ${id} could not be generated`);
    return after.value;
  }

  async #read<T>(id: string): Promise<Read<T>> {
    try {
      const out = await this.#client.send(new GetSecretValueCommand({ SecretId: id }));
      if (out.SecretString === undefined) return { kind: 'pending' };
      const value: unknown = JSON.parse(out.SecretString);
      return isPendingMarker(value) ? { kind: 'pending' } : { kind: 'value', value: value as T };
    } catch (err) {
      if (isNamed(err, 'ResourceNotFoundException')) return { kind: 'missing' };
      throw err;
    }
  }
}

function isNamed(err: unknown, name: string): boolean {
  return err instanceof Error && err.name === name;
}
