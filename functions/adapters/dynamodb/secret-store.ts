import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SecretStore } from '../../domain/ports.ts';
import { keys } from './directory-keys.ts';

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
