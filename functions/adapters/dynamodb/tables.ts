import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
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
 * - audit:     append-only security events, each day's spread over AUDIT_SHARDS partitions, and the
 *              index by target (AUDIT_TARGET_INDEX).
 */
export type TableKind = 'oidc' | 'directory' | 'audit';

export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * The audit table's one index: events by `target` (a user id, an app, a tenant …) in time order, for
 * "what happened to this user" without a Scan. Sparse: events without a target are not in it.
 */
export const AUDIT_TARGET_INDEX = 'byTarget';

/**
 * Events of one tenant in time order, for a tenant administrator's audit page. Its partition key is
 * `tenantShard` (`<tenant>#<shard>`, the event's own shard of 16), so one busy tenant's writes are
 * spread like a day's are; a query reads the 16 partitions and merges them.
 */
export const AUDIT_TENANT_INDEX = 'byTenant';

export function tableDefinition(name: string, kind?: TableKind): CreateTableCommandInput {
  const base = tableBase(name);
  if (kind !== 'audit') return base;
  return {
    ...base,
    AttributeDefinitions: [
      ...(base.AttributeDefinitions ?? []),
      { AttributeName: 'target', AttributeType: 'S' },
      { AttributeName: 'tenantShard', AttributeType: 'S' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: AUDIT_TARGET_INDEX,
        KeySchema: [
          { AttributeName: 'target', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: AUDIT_TENANT_INDEX,
        KeySchema: [
          { AttributeName: 'tenantShard', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

function tableBase(name: string): CreateTableCommandInput {
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
  for (const [kind, name] of Object.entries(tableNames(config)) as Array<[TableKind, string]>) {
    try {
      await client.send(new CreateTableCommand(tableDefinition(name, kind)));
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
      await upgradeLocalAudit(client, kind, name);
    }
    await waitActive(client, name);
  }
}

/**
 * A local audit table from before one of its indexes is made again with them (the embedded store
 * cannot add an index to a table): local audit history is development data; on AWS, CDK owns the table.
 */
async function upgradeLocalAudit(client: DynamoDBClient, kind: TableKind, name: string): Promise<void> {
  if (kind !== 'audit') return;
  const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
  const has = new Set(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName));
  if (has.has(AUDIT_TARGET_INDEX) && has.has(AUDIT_TENANT_INDEX)) return;
  await client.send(new DeleteTableCommand({ TableName: name }));
  for (let i = 0; i < 100; i++) {
    try {
      await client.send(new CreateTableCommand(tableDefinition(name, kind)));
      return;
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
      await new Promise((r) => setTimeout(r, 50)); // still deleting
    }
  }
  throw new Error(`table ${name} could not be made again`);
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
