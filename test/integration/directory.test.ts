import { after, before, describe } from 'node:test';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamo } from '../../functions/adapters/dynamodb/client.ts';
import {
  DynamoAuditSink,
  DynamoClientStore,
  DynamoRoleStore,
} from '../../functions/adapters/dynamodb/directory-stores.ts';
import { DynamoUserStore } from '../../functions/adapters/dynamodb/user-store.ts';
import type { AuditEvent } from '../../functions/domain/ports.ts';
import { accountRules } from '../support/account-rules.ts';
import { startTestStore, type TestStore } from '../support/store.ts';

describe('account rules on DynamoDB (same assertions as the in-memory unit tests)', () => {
  let store: TestStore;
  let dynamo: ReturnType<typeof createDynamo>;
  before(async () => {
    store = await startTestStore();
    dynamo = createDynamo({ dynamodb: store.dynamodb });
  });
  after(async () => {
    dynamo.raw.destroy();
    await store.stop();
  });

  accountRules(async () => {
    const { doc } = dynamo;
    const { directory, audit } = store.tables;
    return {
      users: new DynamoUserStore(doc, directory),
      clients: new DynamoClientStore(doc, directory),
      roles: new DynamoRoleStore(doc, directory),
      audit: new DynamoAuditSink(doc, audit, 30),
      events: async () =>
        ((await doc.send(new ScanCommand({ TableName: audit }))).Items ?? []) as AuditEvent[],
    };
  });
});
