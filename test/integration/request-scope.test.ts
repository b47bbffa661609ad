import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import * as oidc from 'openid-client';
import { createDynamo } from '../../functions/adapters/dynamodb/client.ts';
import {
  deferWrite,
  expectRead,
  flushWrites,
  inRequestScope,
  noteWrite,
  readItem,
  rememberWritten,
} from '../../functions/adapters/dynamodb/request-scope.ts';
import { DynamoUserStore } from '../../functions/adapters/dynamodb/user-store.ts';
import { OPERATOR } from '../../functions/domain/admin/actor.ts';
import { setUserEnabled } from '../../functions/domain/admin/users.ts';
import { type CountingStore, countingStore } from '../support/counting-store.ts';
import { addUser, PASSWORD, REDIRECT, relyingParty, startLogin, submitLogin } from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';
import { startTestStore, type TestStore } from '../support/store.ts';

/**
 * A request's DynamoDB work kept together (functions/adapters/dynamodb/request-scope.ts): fewer
 * calls, and still every read strongly consistent, every conditional write on its own, nothing
 * handed out that was not stored.
 */
describe('one request’s DynamoDB calls, kept together', () => {
  let store: TestStore;
  let proxy: CountingStore;
  let doc: ReturnType<typeof createDynamo>['doc'];
  let table: string;
  const key = (n: string) => ({ pk: `scope#${n}`, sk: '#' });

  before(async () => {
    store = await startTestStore();
    proxy = await countingStore(store);
    doc = createDynamo({ dynamodb: { ...store.dynamodb, endpoint: proxy.endpoint } }).doc;
    table = store.tables.oidc;
  });
  after(async () => {
    await proxy.close();
    await store.stop();
  });

  it('reads of one turn ride in one strongly consistent BatchGetItem, absent items included', async () => {
    await inRequestScope({ bufferWrites: true }, async () => {
      deferWrite(doc, table, key('a'), { ...key('a'), v: 1 });
      deferWrite(doc, table, key('b'), { ...key('b'), v: 2 });
    });
    proxy.take();
    const items = await inRequestScope({ bufferWrites: false }, () =>
      Promise.all([
        readItem(doc, table, key('a')),
        readItem(doc, table, key('b')),
        readItem(doc, table, key('none')),
      ]),
    );
    assert.deepEqual(
      items.map((i) => i?.v),
      [1, 2, undefined],
    );
    const calls = proxy.take();
    assert.deepEqual(
      calls.map((c) => c.op),
      ['BatchGetItem'],
    );
  });

  it('shows a waiting write to the request’s own reads, and writes it before a conditional write', async () => {
    await inRequestScope({ bufferWrites: true }, async () => {
      deferWrite(doc, table, key('c'), { ...key('c'), v: 3 });
      assert.equal((await readItem(doc, table, key('c')))?.v, 3);
      deferWrite(doc, table, key('c'), null);
      assert.equal(await readItem(doc, table, key('c')), undefined);
      deferWrite(doc, table, key('d'), { ...key('d'), v: 4 });
      assert.deepEqual(proxy.take(), [], 'nothing written yet');
      await flushWrites();
      assert.deepEqual(
        proxy.take().map((c) => c.op),
        ['BatchWriteItem'],
      );
    });
    const outside = await readItem(doc, table, key('d'));
    assert.equal(outside?.v, 4);
    assert.equal(await readItem(doc, table, key('c')), undefined);
  });

  it('forgets an expected read when the request writes that item', async () => {
    await doc.send(new PutCommand({ TableName: table, Item: { ...key('e'), v: 5 } }));
    await inRequestScope({ bufferWrites: false }, async () => {
      expectRead(doc, table, key('e'));
      noteWrite(table, key('e'));
      await doc.send(new PutCommand({ TableName: table, Item: { ...key('e'), v: 6 } }));
      assert.equal((await readItem(doc, table, key('e')))?.v, 6);
    });
  });

  it('answers a read after the request’s own conditional write with the item that write returned, until it writes again', async () => {
    await doc.send(new PutCommand({ TableName: table, Item: { ...key('w'), v: 1 } }));
    await inRequestScope({ bufferWrites: false }, async () => {
      rememberWritten(table, key('w'), { ...key('w'), v: 2 });
      proxy.take();
      assert.equal((await readItem(doc, table, key('w')))?.v, 2);
      assert.deepEqual(proxy.take(), [], 'no call');
      noteWrite(table, key('w'));
      assert.equal((await readItem(doc, table, key('w')))?.v, 1, 'read from the store again');
    });
    // Outside the request nothing is remembered.
    assert.equal((await readItem(doc, table, key('w')))?.v, 1);
  });

  it('a settled sign-in’s user item answers the resume in the same request, and a later write of the user is read afresh', async () => {
    const users = new DynamoUserStore(doc, store.tables.directory);
    const lockout = { maxAttempts: 3, durationMs: 600_000 };
    const id = 'scope-user';
    await users.create({
      id,
      email: 'scope@example.com',
      emailKey: 'scope@example.com',
      emailVerified: false,
      name: 'Scope',
      passwordHash: null,
      createdAt: new Date(0).toISOString(),
    });
    await inRequestScope({ bufferWrites: false }, async () => {
      assert.equal((await users.claimAttempt(id, 1000, lockout)).kind, 'granted');
      assert.equal(await users.recordSuccess(id, 1000), true);
      proxy.take();
      assert.equal((await users.findById(id))?.failedAttempts, 0);
      assert.deepEqual(proxy.take(), [], 'the settlement’s own result');
      await users.updateProfile(id, { disabled: true });
      proxy.take();
      assert.equal((await users.findById(id))?.disabled, true, 'written since: read again');
      assert.equal(proxy.take().length, 1);
    });
  });

  it('fails the request when what waits cannot be written', async () => {
    proxy.refuse('PutItem');
    await assert.rejects(
      inRequestScope({ bufferWrites: true }, async () => {
        deferWrite(doc, table, key('f'), { ...key('f'), v: 6 });
      }),
    );
    proxy.refuse(null);
    assert.equal(await readItem(doc, table, key('f')), undefined);
  });
});

describe('a sign-in through the kept-together calls', () => {
  let store: TestStore;
  let proxy: CountingStore;
  let sesame: RunningSesame;
  let app: oidc.Configuration;

  before(async () => {
    store = await startTestStore();
    proxy = await countingStore(store);
    sesame = await startSesame({ dynamodb: { ...store.dynamodb, endpoint: proxy.endpoint } }, store);
    ({ config: app } = await relyingParty(sesame, { clientId: 'scope-app' }));
    await addUser(sesame, 'scoped@example.com');
  });
  after(async () => {
    await sesame.close();
    await proxy.close();
    await store.stop();
  });

  const codeFor = async () => {
    const started = await startLogin(app, { scope: 'openid email' });
    const back = await submitLogin(started, 'scoped@example.com', PASSWORD);
    assert.ok(back.url.startsWith(REDIRECT), `signed in (${back.status})`);
    return { started, callback: new URL(back.url) };
  };
  const redeem = ({ started, callback }: Awaited<ReturnType<typeof codeFor>>) =>
    oidc.authorizationCodeGrant(app, callback, {
      pkceCodeVerifier: started.verifier,
      expectedState: started.state,
      expectedNonce: started.nonce,
    });

  it('lets exactly one of two parallel redemptions of a code win', async () => {
    const code = await codeFor();
    const results = await Promise.allSettled([redeem(code), redeem(code)]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const lost = results.find((r) => r.status === 'rejected');
    assert.match(String((lost as PromiseRejectedResult).reason?.error ?? ''), /invalid_grant/);
  });

  it('still refuses a code whose account was disabled after the sign-in (its read only started early)', async () => {
    const code = await codeFor();
    const user = await sesame.parts.deps.users.findByEmailKey('scoped@example.com');
    await setUserEnabled(sesame.parts.deps, OPERATOR, { userId: user?.id ?? '', enabled: false });
    await assert.rejects(redeem(code), (err: { error?: string }) => err.error === 'invalid_grant');
    await setUserEnabled(sesame.parts.deps, OPERATOR, { userId: user?.id ?? '', enabled: true });
  });

  it('hands out no code when the end of the sign-in cannot be written', async () => {
    const started = await startLogin(app, { scope: 'openid email' });
    proxy.refuse('BatchWriteItem');
    try {
      const back = await submitLogin(started, 'scoped@example.com', PASSWORD);
      assert.ok(!back.url.startsWith(REDIRECT), 'no redirect back to the app');
      assert.equal(back.status, 500);
    } finally {
      proxy.refuse(null);
    }
  });
});
