import { randomUUID } from 'node:crypto';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';

interface Version {
  id: string;
  value: string;
  created: Date;
  stages: Set<string>;
}

/**
 * A stand-in for Secrets Manager's versions and staging labels, as documented (no emulator is available
 * offline), as far as Sesame relies on them:
 * - GetSecretValue answers the AWSCURRENT version: its value, id, labels and creation date;
 * - PutSecretValue makes a version whose id is the ClientRequestToken (the same token again with the
 *   same value changes nothing, with another value fails ResourceExistsException); without
 *   VersionStages it becomes AWSCURRENT (the previous one AWSPREVIOUS), else it takes those labels;
 * - UpdateSecretVersionStage moves a label, and refuses (InvalidParameterException) when the label is on
 *   a version other than RemoveFromVersionId;
 * - a label is on one version at a time.
 * Every call yields once, so concurrent callers interleave as network calls do; `beforeSend` lets a
 * test act between calls.
 */
export function fakeSecretsManager(now: () => Date = () => new Date()) {
  const secrets = new Map<string, Version[]>();
  const sent: string[] = [];
  const named = (name: string) => Object.assign(new Error(name), { name });
  const versionsOf = (id: unknown) => {
    const versions = secrets.get(String(id));
    if (!versions) throw named('ResourceNotFoundException');
    return versions;
  };
  const label = (versions: Version[], stage: string, to: Version) => {
    for (const v of versions) v.stages.delete(stage);
    to.stages.add(stage);
  };
  const currentOf = (versions: Version[]) => {
    const current = versions.find((v) => v.stages.has('AWSCURRENT'));
    if (!current) throw named('ResourceNotFoundException');
    return current;
  };
  const put = (secretId: string, value: string, token: string, stages?: string[]) => {
    const versions = secrets.get(secretId) ?? [];
    secrets.set(secretId, versions);
    const existing = versions.find((v) => v.id === token);
    if (existing) {
      if (existing.value !== value) throw named('ResourceExistsException');
      return existing;
    }
    const version: Version = { id: token, value, created: now(), stages: new Set() };
    versions.push(version);
    if (!stages) {
      const previous = versions.find((v) => v.stages.has('AWSCURRENT'));
      if (previous) label(versions, 'AWSPREVIOUS', previous);
      label(versions, 'AWSCURRENT', version);
    } else for (const stage of stages) label(versions, stage, version);
    return version;
  };
  const fake = {
    beforeSend: async (_command: string): Promise<void> => {},
    sent,
    /** A write from outside the code under test (the keygen, an operator's put-secret-value). */
    write(secretId: string, value: unknown) {
      return put(secretId, JSON.stringify(value), randomUUID()).id;
    },
    versions: (secretId: string) => secrets.get(secretId) ?? [],
    current: (secretId: string) => JSON.parse(currentOf(versionsOf(secretId)).value) as unknown,
    client: {
      async send(cmd: unknown): Promise<unknown> {
        const name = (cmd as object).constructor.name;
        sent.push(name);
        await new Promise((resolve) => setImmediate(resolve));
        await fake.beforeSend(name);
        if (cmd instanceof GetSecretValueCommand) {
          const v = currentOf(versionsOf(cmd.input.SecretId));
          return {
            VersionId: v.id,
            SecretString: v.value,
            VersionStages: [...v.stages],
            CreatedDate: v.created,
          };
        }
        if (cmd instanceof PutSecretValueCommand) {
          versionsOf(cmd.input.SecretId);
          const token = cmd.input.ClientRequestToken ?? randomUUID();
          if (token.length < 32 || token.length > 64) throw named('ValidationException');
          const v = put(
            String(cmd.input.SecretId),
            String(cmd.input.SecretString),
            token,
            cmd.input.VersionStages,
          );
          return { VersionId: v.id, VersionStages: [...v.stages] };
        }
        if (cmd instanceof UpdateSecretVersionStageCommand) {
          const versions = versionsOf(cmd.input.SecretId);
          const stage = String(cmd.input.VersionStage);
          const holder = versions.find((v) => v.stages.has(stage));
          if (
            holder &&
            holder.id !== cmd.input.RemoveFromVersionId &&
            holder.id !== cmd.input.MoveToVersionId
          )
            throw named('InvalidParameterException');
          const to = versions.find((v) => v.id === cmd.input.MoveToVersionId);
          if (cmd.input.MoveToVersionId && !to) throw named('ResourceNotFoundException');
          if (holder && holder.id === cmd.input.RemoveFromVersionId) holder.stages.delete(stage);
          if (to) {
            if (stage === 'AWSCURRENT' && holder && holder !== to) label(versions, 'AWSPREVIOUS', holder);
            label(versions, stage, to);
          }
          return {};
        }
        throw new Error(`unexpected command ${name}`);
      },
    } as unknown as Pick<SecretsManagerClient, 'send'>,
  };
  return fake;
}

export type FakeSecretsManager = ReturnType<typeof fakeSecretsManager>;
