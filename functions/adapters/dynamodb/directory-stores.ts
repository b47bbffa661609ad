import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  AppClient,
  AuditEvent,
  AuditSink,
  ClientStore,
  RoleStore,
  SecretStore,
} from '../../domain/ports.ts';
import { keys } from './directory-keys.ts';

/** Apps live in one partition: there are few of them and `list` is a single Query. */
export class DynamoClientStore implements ClientStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async put(client: AppClient): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { ...keys.client(client.clientId), client } }),
    );
  }

  async get(clientId: string): Promise<AppClient | null> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.client(clientId), ConsistentRead: true }),
    );
    return (Item?.client as AppClient | undefined) ?? null;
  }

  async list(): Promise<AppClient[]> {
    const out: AppClient[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.clientPartition },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) out.push(item.client as AppClient);
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }
}

/** Role assignments sit in the user's partition, sorted by app, so one Query answers "roles in app X". */
export class DynamoRoleStore implements RoleStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async grant(userId: string, clientId: string, role: string): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.role(userId, clientId, role), clientId, role },
      }),
    );
  }

  async revoke(userId: string, clientId: string, role: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: keys.role(userId, clientId, role) }));
  }

  async rolesIn(userId: string, clientId: string): Promise<string[]> {
    return (await this.query(userId, keys.rolePrefix(clientId))).map((r) => r.role);
  }

  async allRoles(userId: string): Promise<Array<{ clientId: string; role: string }>> {
    return this.query(userId, keys.rolePrefix());
  }

  private async query(userId: string, prefix: string): Promise<Array<{ clientId: string; role: string }>> {
    const out: Array<{ clientId: string; role: string }> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.user(userId).pk, ':prefix': prefix },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? [])
        out.push({ clientId: String(item.clientId), role: String(item.role) });
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }
}

/** Append-only: one item per event, written with a condition so nothing is ever overwritten. */
export class DynamoAuditSink implements AuditSink {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly retentionDays: number,
  ) {}

  async record(event: AuditEvent): Promise<void> {
    const at = new Date(event.at).toISOString();
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: `DAY#${at.slice(0, 10)}`,
          sk: `${at}#${randomBytes(8).toString('hex')}`,
          ...event,
          expiresAt: Math.floor(event.at / 1000) + this.retentionDays * 86400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }
}

/** Generated secrets on the directory table (local and test stores; AWS uses Secrets Manager). */
export class DynamoSecretStore implements SecretStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async getOrCreate<T>(name: string, generate: () => Promise<T>): Promise<T> {
    const read = async () =>
      (
        await this.doc.send(
          new GetCommand({ TableName: this.table, Key: keys.secret(name), ConsistentRead: true }),
        )
      ).Item;
    const existing = await read();
    if (existing) return JSON.parse(String(existing.value)) as T;
    const value = await generate();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.secret(name), value: JSON.stringify(value) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return value;
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const winner = await read(); // another instance generated it first: use theirs
      if (!winner) throw err;
      return JSON.parse(String(winner.value)) as T;
    }
  }
}
