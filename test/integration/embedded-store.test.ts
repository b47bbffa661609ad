import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamo } from '../../functions/adapters/dynamodb/client.ts';
import {
  AUDIT_TARGET_INDEX,
  AUDIT_TENANT_INDEX,
  ensureTables,
  tableDefinition,
} from '../../functions/adapters/dynamodb/tables.ts';
import { startEmbeddedStore } from '../../functions/adapters/embedded/embedded-store.ts';
import { freePort } from '../support/ports.ts';

const tables = { oidc: 'e-oidc', directory: 'e-dir', audit: 'e-audit' };
const dynamodb = (endpoint: string) => ({ endpoint, region: 'us-east-1', localCredentials: true as const });

/** The store `npm start` and the admin CLI share: dynalite, on LevelDB in .sesame/. */
describe('embedded store (dynalite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sesame-embedded-store-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps data on disk across a stop and a restart on the same folder', async () => {
    const path = join(dir, 'data');
    const first = await startEmbeddedStore({ path });
    const a = createDynamo({ dynamodb: dynamodb(first.endpoint) });
    await ensureTables(a.raw, { tables });
    await a.doc.send(new PutCommand({ TableName: tables.directory, Item: { pk: 'k', sk: 's', v: 1 } }));
    a.raw.destroy();
    await first.stop();

    // LevelDB admits one opener: this only works if stop() really closed it.
    const second = await startEmbeddedStore({ path });
    const b = createDynamo({ dynamodb: dynamodb(second.endpoint) });
    const got = await b.doc.send(new GetCommand({ TableName: tables.directory, Key: { pk: 'k', sk: 's' } }));
    assert.deepEqual(got.Item, { pk: 'k', sk: 's', v: 1 });
    b.raw.destroy();
    await second.stop();
  });

  it('makes an audit table from before its indexes again, with them', async () => {
    const store = await startEmbeddedStore();
    const { raw } = createDynamo({ dynamodb: dynamodb(store.endpoint) });
    try {
      const old = { oidc: 'u-oidc', directory: 'u-dir', audit: 'u-audit' };
      await raw.send(new CreateTableCommand(tableDefinition(old.audit))); // the definition without the index
      await ensureTables(raw, { tables: old });
      const { Table } = await raw.send(new DescribeTableCommand({ TableName: old.audit }));
      assert.deepEqual(
        Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName),
        [AUDIT_TARGET_INDEX, AUDIT_TENANT_INDEX],
      );
      await ensureTables(raw, { tables: old }); // and leaves it alone from then on
    } finally {
      raw.destroy();
      await store.stop();
    }
  });

  it('listens on the port it is given', async () => {
    const port = await freePort();
    const store = await startEmbeddedStore({ port });
    try {
      assert.equal(store.endpoint, `http://127.0.0.1:${port}`);
      const { raw, doc } = createDynamo({ dynamodb: dynamodb(store.endpoint) });
      await ensureTables(raw, { tables });
      await doc.send(new PutCommand({ TableName: tables.oidc, Item: { pk: 'a', sk: 'b' } }));
      const got = await doc.send(new GetCommand({ TableName: tables.oidc, Key: { pk: 'a', sk: 'b' } }));
      assert.deepEqual(got.Item, { pk: 'a', sk: 'b' });
      raw.destroy();
    } finally {
      await store.stop();
    }
  });

  it('refuses to start when its port is taken', async () => {
    const store = await startEmbeddedStore();
    try {
      const port = Number(new URL(store.endpoint).port);
      await assert.rejects(startEmbeddedStore({ port }), /EADDRINUSE/);
    } finally {
      await store.stop();
    }
  });
});
