import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { ConnectionSecrets } from '../../domain/ports.ts';
import { ttlCache } from '../ttl-cache.ts';
import { MFA_KEYS_SECRET } from './secret-box.ts';

/**
 * Connection credentials on AWS Secrets Manager: one secret per connection, `<prefix>connections/<id>`
 * (the prefix is the deployment's, SESAME_SECRETS_PREFIX). The admin CLI creates, replaces and
 * deletes them with the operator's credentials; the idp Lambda may only read that folder
 * (infra/construct/identity-provider.ts grants GetSecretValue on `<prefix>connections/*` alone).
 *
 * New secrets are encrypted with the KMS key of the deployment's own secrets (the stack's data key,
 * found by describing `<prefix>mfa-keys`), which the Lambda can already decrypt with through
 * Secrets Manager, and nothing else.
 *
 * `delete` removes the secret at once, without a recovery window: the value is the upstream's to
 * issue again (a new client secret or certificate takes a minute), so a copy kept 7-30 days after its
 * connection is gone would only be exposure, and would keep a new connection with the same id from
 * being added for as long.
 */
export const CONNECTIONS_FOLDER = 'connections/';

export const connectionSecretName = (prefix: string, connectionId: string) =>
  `${prefix}${CONNECTIONS_FOLDER}${connectionId}`;

type Client = Pick<SecretsManagerClient, 'send'>;

export class SecretsManagerConnectionSecrets implements ConnectionSecrets {
  readonly #client: Client;
  readonly #prefix: string;
  #kmsKeyId: Promise<string | undefined> | undefined;

  constructor(client: Client, options: { prefix: string }) {
    this.#client = client;
    this.#prefix = options.prefix;
  }

  async put(connectionId: string, value: string): Promise<void> {
    const name = connectionSecretName(this.#prefix, connectionId);
    const newVersion = () =>
      this.#client.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
    try {
      await newVersion();
      return;
    } catch (err) {
      if (!isNamed(err, 'ResourceNotFoundException')) throw err;
    }
    const kmsKeyId = await this.#dataKey();
    try {
      await this.#client.send(
        new CreateSecretCommand({
          Name: name,
          SecretString: value,
          Description: `Sesame: client credential of connection ${connectionId} (written by the admin CLI)`,
          ...(kmsKeyId ? { KmsKeyId: kmsKeyId } : {}),
        }),
      );
    } catch (err) {
      // Another put created it meanwhile: ours becomes the current version.
      if (!isNamed(err, 'ResourceExistsException')) throw err;
      await newVersion();
    }
  }

  async get(connectionId: string): Promise<string | null> {
    try {
      const out = await this.#client.send(
        new GetSecretValueCommand({ SecretId: connectionSecretName(this.#prefix, connectionId) }),
      );
      return out.SecretString ?? null;
    } catch (err) {
      if (isNamed(err, 'ResourceNotFoundException')) return null;
      throw err;
    }
  }

  async delete(connectionId: string): Promise<void> {
    try {
      await this.#client.send(
        new DeleteSecretCommand({
          SecretId: connectionSecretName(this.#prefix, connectionId),
          ForceDeleteWithoutRecovery: true,
        }),
      );
    } catch (err) {
      if (!isNamed(err, 'ResourceNotFoundException')) throw err;
    }
  }

  #dataKey(): Promise<string | undefined> {
    this.#kmsKeyId ??= this.#client
      .send(new DescribeSecretCommand({ SecretId: `${this.#prefix}${MFA_KEYS_SECRET}` }))
      .then((out) => out.KmsKeyId);
    return this.#kmsKeyId;
  }
}

/**
 * Reads each connection's credential at most once per `ttlMs` per container (Secrets Manager bills
 * per call, and every federated sign-in needs the credential twice); a replaced credential is used
 * within `ttlMs`. Writes through this instance are seen by it at once.
 */
export function cachedConnectionSecrets(
  inner: ConnectionSecrets,
  options: { ttlMs: number; now?: () => number },
): ConnectionSecrets {
  const read = ttlCache((id) => inner.get(id), {
    ttlMs: options.ttlMs,
    maxEntries: 256,
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    get: read,
    async put(connectionId, value) {
      await inner.put(connectionId, value);
      read.forget(connectionId);
    },
    async delete(connectionId) {
      await inner.delete(connectionId);
      read.forget(connectionId);
    },
  };
}

function isNamed(err: unknown, name: string): boolean {
  return err instanceof Error && err.name === name;
}
