import { randomUUID } from 'node:crypto';
import { createDynamo } from '../../functions/adapters/dynamodb/client.ts';
import { ensureTables } from '../../functions/adapters/dynamodb/tables.ts';
import { startEmbeddedStore } from '../../functions/adapters/embedded/embedded-store.ts';

export interface TestStore {
  endpoint: string;
  /** Fresh, uniquely named tables per call so tests never see each other's data. */
  tables: { oidc: string; directory: string; audit: string };
  dynamodb: { endpoint: string; region: string; localCredentials: true };
  stop(): Promise<void>;
}

/**
 * Starts a DynamoDB-compatible server on 127.0.0.1 for one test file and creates fresh tables.
 * SESAME_TEST_STORE=dynamodb-local switches to AWS's DynamoDB Local (see test/support/dynamodb-local.ts).
 */
export async function startTestStore(): Promise<TestStore> {
  const server =
    process.env.SESAME_TEST_STORE === 'dynamodb-local'
      ? await (await import('./dynamodb-local.ts')).startDynamoDbLocal()
      : await startEmbeddedStore();
  const suffix = randomUUID().slice(0, 8);
  const tables = { oidc: `t-oidc-${suffix}`, directory: `t-dir-${suffix}`, audit: `t-audit-${suffix}` };
  const dynamodb = { endpoint: server.endpoint, region: 'us-east-1', localCredentials: true as const };
  const { raw } = createDynamo({ dynamodb });
  await ensureTables(raw, { tables });
  raw.destroy();
  return { endpoint: server.endpoint, tables, dynamodb, stop: server.stop };
}
