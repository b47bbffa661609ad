import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import type { Config } from '../../config/config.ts';

/**
 * The three tables, described once: used by `npm start`, the tests and (mirrored) by the CDK stack.
 * Every table has a string partition key `pk` and sort key `sk`, and a numeric `expiresAt`
 * (epoch seconds) used as the TTL attribute. TTL only tidies up: expiry is checked on every read.
 *
 * - oidc:      oidc-provider models; one item per model instance plus small index items
 *              (by grant, by session uid, by user code) so those look-ups are strongly consistent
 *              reads of the base table instead of eventually consistent GSI queries.
 * - directory: users, e-mail claims, clients (apps), role assignments, generated secrets.
 * - audit:     append-only security events.
 */
export type TableKind = 'oidc' | 'directory' | 'audit';

export const TTL_ATTRIBUTE = 'expiresAt';

export function tableDefinition(name: string): CreateTableCommandInput {
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
  };
}

export function tableNames(config: Pick<Config, 'tables'>): Record<TableKind, string> {
  return { ...config.tables };
}

/** Creates the tables if missing (local and test stores; on AWS, CDK owns them). */
export async function ensureTables(client: DynamoDBClient, config: Pick<Config, 'tables'>): Promise<void> {
  for (const name of Object.values(tableNames(config))) {
    try {
      await client.send(new CreateTableCommand(tableDefinition(name)));
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
    }
    await waitActive(client, name);
  }
}

/** Waits until a new table takes writes (dynalite, like DynamoDB, refuses them while it is CREATING). */
export async function waitActive(client: DynamoDBClient, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`table ${name} did not become active`);
}
