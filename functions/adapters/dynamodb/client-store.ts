import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AppClient, ClientStore } from '../../domain/ports.ts';
import { keys } from './directory-keys.ts';
import { queryPartition } from './query.ts';

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
    const items = await queryPartition(this.doc, this.table, keys.clientPartition);
    return items.map((item) => item.client as AppClient);
  }
}
