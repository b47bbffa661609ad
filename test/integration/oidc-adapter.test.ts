import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ThrottlingException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type AdapterPayload, errors, Provider } from 'oidc-provider';
import { DynamoAccountActivity } from '../../functions/adapters/dynamodb/account-activity.ts';
import { createDynamo } from '../../functions/adapters/dynamodb/client.ts';
import {
  DynamoOidcAdapter,
  dynamoOidcAdapterFactory,
  type OidcAdapterDeps,
} from '../../functions/adapters/dynamodb/oidc-adapter.ts';
import {
  grantPartition,
  type ItemKey,
  mainKey,
  uidIndexKey,
  userCodeIndexKey,
} from '../../functions/adapters/dynamodb/oidc-keys.ts';
import { startTestStore, type TestStore } from '../support/store.ts';

/**
 * Conformance suite for the oidc-provider storage adapter, run against a real DynamoDB-compatible
 * server (dynalite, or DynamoDB Local with SESAME_TEST_STORE=dynamodb-local). The only mocks are
 * fault injections wrapped around the document client's `send`.
 */

let store: TestStore;
let doc: DynamoDBDocumentClient;
const docs: DynamoDBDocumentClient[] = [];

before(async () => {
  store = await startTestStore();
  doc = newDoc();
});

after(async () => {
  for (const d of docs) d.destroy();
  await store.stop();
});

function newDoc(): DynamoDBDocumentClient {
  const created = createDynamo({ dynamodb: store.dynamodb }).doc;
  docs.push(created);
  return created;
}

/** A settable clock so expiry is tested without waiting. */
function clock(): { now: () => number; advance(seconds: number): void } {
  let ms = Date.now();
  return {
    now: () => ms,
    advance: (seconds) => {
      ms += seconds * 1000;
    },
  };
}

function adapter(model: string, deps: Partial<OidcAdapterDeps> = {}): DynamoOidcAdapter {
  return new DynamoOidcAdapter(model, {
    doc,
    tableName: store.tables.oidc,
    retry: { baseDelayMs: 1 },
    ...deps,
  });
}

const id = () => randomUUID();

function token(grantId: string, extra: Partial<AdapterPayload> = {}): AdapterPayload {
  return { accountId: 'alice', clientId: 'app', grantId, scope: 'openid', ...extra };
}

async function rawItem(key: ItemKey): Promise<Record<string, unknown> | undefined> {
  const { Item } = await doc.send(
    new GetCommand({ TableName: store.tables.oidc, Key: key, ConsistentRead: true }),
  );
  return Item;
}

async function rawPartition(pk: string): Promise<Record<string, unknown>[]> {
  const { Items } = await doc.send(
    new QueryCommand({
      TableName: store.tables.oidc,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

type Send = (command: unknown) => Promise<unknown>;

/** Fault injection: a document client whose `send` goes through `wrap` (which may call the real one). */
function faultyDoc(wrap: (command: unknown, real: Send) => Promise<unknown>): DynamoDBDocumentClient {
  const faulty = newDoc();
  const real = faulty.send.bind(faulty) as Send;
  faulty.send = ((command: unknown) => wrap(command, real)) as typeof faulty.send;
  return faulty;
}

function throttled(): ThrottlingException {
  return new ThrottlingException({
    message: 'Rate of requests exceeds the allowed throughput.',
    $metadata: {},
  });
}

describe('DynamoOidcAdapter', () => {
  describe('upsert and find', () => {
    it('stores and returns the payload of several models unchanged', async () => {
      const cases: Array<[string, AdapterPayload]> = [
        ['AccessToken', token(id(), { jti: 'at', exp: 2_000_000_000, extra: { nested: { a: [1, 'b'] } } })],
        ['Session', { uid: id(), accountId: 'alice', loginTs: 1_700_000_000, authorizations: {} }],
        ['Interaction', { uid: id(), params: { client_id: 'app', scope: 'openid' }, prompt: undefined }],
        ['Grant', { accountId: 'alice', clientId: 'app', openid: { scope: 'openid email' } }],
        ['Client', { client_id: 'app', redirect_uris: ['https://app.example/cb'] }],
      ];
      for (const [model, payload] of cases) {
        const key = id();
        await adapter(model).upsert(key, payload, 60);
        assert.deepEqual(await adapter(model).find(key), JSON.parse(JSON.stringify(payload)), model);
      }
    });

    it('drops undefined values instead of failing the write', async () => {
      const key = id();
      await adapter('Interaction').upsert(
        key,
        { uid: key, lastSubmission: undefined, params: { a: undefined } },
        60,
      );
      assert.deepEqual(await adapter('Interaction').find(key), { uid: key, params: {} });
    });

    it('replaces the payload on a second upsert of the same id', async () => {
      const key = id();
      await adapter('Grant').upsert(key, { accountId: 'alice', clientId: 'app' }, 60);
      await adapter('Grant').upsert(key, { accountId: 'alice', clientId: 'other' }, 60);
      assert.equal((await adapter('Grant').find(key))?.clientId, 'other');
    });

    it('returns undefined for an unknown id', async () => {
      assert.equal(await adapter('AccessToken').find(id()), undefined);
    });

    it('keeps models apart: the same id under another model is not found', async () => {
      const key = id();
      await adapter('AccessToken').upsert(key, token(id()), 60);
      assert.equal(await adapter('RefreshToken').find(key), undefined);
    });

    it('stores the main item under <Model>#<id> with expiresAt in epoch seconds', async () => {
      const time = clock();
      const key = id();
      await adapter('AccessToken', { now: time.now }).upsert(key, token(id()), 60);
      const item = await rawItem(mainKey('AccessToken', key));
      assert.equal(item?.expiresAt, Math.floor(time.now() / 1000) + 60);
    });
  });

  describe('expiry', () => {
    it('treats an expired item as not found although it is still in the table', async () => {
      const time = clock();
      const key = id();
      const tokens = adapter('AccessToken', { now: time.now });
      await tokens.upsert(key, token(id()), 60);
      time.advance(59);
      assert.ok(await tokens.find(key), 'still valid one second before expiry');
      time.advance(1);
      assert.equal(await tokens.find(key), undefined);
      assert.ok(await rawItem(mainKey('AccessToken', key)), 'TTL has not deleted it');
    });

    it('never expires an item saved without expiresIn', async () => {
      const time = clock();
      const key = id();
      const clients = adapter('Client', { now: time.now });
      await clients.upsert(key, { client_id: key });
      time.advance(10 * 365 * 86400);
      assert.ok(await clients.find(key));
    });

    it('honours expiry on findByUid and findByUserCode', async () => {
      const time = clock();
      const [sessionId, uid, deviceId, userCode] = [id(), id(), id(), id()];
      const sessions = adapter('Session', { now: time.now });
      const devices = adapter('DeviceCode', { now: time.now });
      await sessions.upsert(sessionId, { uid, accountId: 'alice' }, 30);
      await devices.upsert(deviceId, { userCode, clientId: 'app' }, 30);
      time.advance(30);
      assert.equal(await sessions.findByUid(uid), undefined);
      assert.equal(await devices.findByUserCode(userCode), undefined);
    });
  });

  describe('findByUid', () => {
    it('finds a session by its uid', async () => {
      const [sessionId, uid] = [id(), id()];
      await adapter('Session').upsert(sessionId, { uid, accountId: 'alice' }, 60);
      assert.deepEqual(await adapter('Session').findByUid(uid), { uid, accountId: 'alice' });
    });

    it('returns undefined for an unknown uid', async () => {
      assert.equal(await adapter('Session').findByUid(id()), undefined);
    });

    it('ignores a stale index item once the session carries another uid', async () => {
      const [sessionId, oldUid, newUid] = [id(), id(), id()];
      await adapter('Session').upsert(sessionId, { uid: oldUid }, 60);
      await adapter('Session').upsert(sessionId, { uid: newUid }, 60);
      assert.equal(await adapter('Session').findByUid(oldUid), undefined);
      assert.equal((await adapter('Session').findByUid(newUid))?.uid, newUid);
    });
  });

  describe('findByUserCode', () => {
    it('finds a device code by its user code', async () => {
      const [deviceId, userCode] = [id(), 'ABCD-EFGH'];
      await adapter('DeviceCode').upsert(deviceId, { userCode, clientId: 'app' }, 60);
      assert.deepEqual(await adapter('DeviceCode').findByUserCode(userCode), { userCode, clientId: 'app' });
    });

    it('returns undefined for an unknown user code', async () => {
      assert.equal(await adapter('DeviceCode').findByUserCode(id()), undefined);
    });
  });

  describe('consume', () => {
    it('marks the item consumed (epoch seconds) and find returns it', async () => {
      const time = clock();
      const codes = adapter('AuthorizationCode', { now: time.now });
      const code = id();
      await codes.upsert(code, token(id()), 60);
      assert.equal((await codes.find(code))?.consumed, undefined);
      await codes.consume(code);
      assert.equal((await codes.find(code))?.consumed, Math.floor(time.now() / 1000));
    });

    it('rejects a second consume with InvalidGrant and revokes the grant', async () => {
      const grantId = id();
      const [code, accessToken] = [id(), id()];
      await adapter('Grant').upsert(grantId, { accountId: 'alice', clientId: 'app' }, 600);
      await adapter('AuthorizationCode').upsert(code, token(grantId), 60);
      await adapter('AuthorizationCode').consume(code);
      await adapter('AccessToken').upsert(accessToken, token(grantId), 600);

      await assert.rejects(adapter('AuthorizationCode').consume(code), errors.InvalidGrant);
      assert.equal(await adapter('AccessToken').find(accessToken), undefined);
      assert.equal(await adapter('Grant').find(grantId), undefined);
    });

    it('rejects consuming an unknown id with InvalidGrant', async () => {
      await assert.rejects(adapter('RefreshToken').consume(id()), errors.InvalidGrant);
    });

    it('lets exactly one of 10 parallel consumes win; the others get InvalidGrant and the grant is revoked', async () => {
      const [grantId, otherGrantId] = [id(), id()];
      const [code, accessToken, refreshToken, otherToken] = [id(), id(), id(), id()];
      await adapter('Grant').upsert(grantId, { accountId: 'alice', clientId: 'app' }, 600);
      await adapter('Grant').upsert(otherGrantId, { accountId: 'alice', clientId: 'app' }, 600);
      await adapter('AuthorizationCode').upsert(code, token(grantId), 60);
      await adapter('AccessToken').upsert(accessToken, token(grantId), 600);
      await adapter('RefreshToken').upsert(refreshToken, token(grantId), 600);
      await adapter('AccessToken').upsert(otherToken, token(otherGrantId), 600);

      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => adapter('AuthorizationCode').consume(code)),
      );

      const rejected = results.filter((r) => r.status === 'rejected');
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      assert.equal(rejected.length, 9);
      for (const r of rejected) assert.ok(r.reason instanceof errors.InvalidGrant, String(r.reason));
      assert.equal(await adapter('AuthorizationCode').find(code), undefined);
      assert.equal(await adapter('AccessToken').find(accessToken), undefined);
      assert.equal(await adapter('RefreshToken').find(refreshToken), undefined);
      assert.equal(await adapter('Grant').find(grantId), undefined);
      assert.deepEqual(await rawPartition(grantPartition(grantId)), []);
      assert.ok(await adapter('AccessToken').find(otherToken), "another grant's token survives");
      assert.ok(await adapter('Grant').find(otherGrantId), 'another grant survives');
    });
  });

  describe('revokeByGrantId', () => {
    it("removes every token of the grant (more than one batch) and leaves another grant's tokens alone", async () => {
      const [grantId, otherGrantId] = [id(), id()];
      const accessTokens = Array.from({ length: 30 }, id);
      const [refreshToken, code, device, userCode] = [id(), id(), id(), id()];
      for (const t of accessTokens) await adapter('AccessToken').upsert(t, token(grantId), 600);
      await adapter('RefreshToken').upsert(refreshToken, token(grantId), 600);
      await adapter('AuthorizationCode').upsert(code, token(grantId), 60);
      await adapter('DeviceCode').upsert(device, token(grantId, { userCode }), 600);
      const others = Array.from({ length: 3 }, id);
      for (const t of others) await adapter('AccessToken').upsert(t, token(otherGrantId), 600);

      await adapter('AccessToken').revokeByGrantId(grantId);

      for (const t of accessTokens) assert.equal(await adapter('AccessToken').find(t), undefined);
      assert.equal(await adapter('RefreshToken').find(refreshToken), undefined);
      assert.equal(await adapter('AuthorizationCode').find(code), undefined);
      assert.equal(await adapter('DeviceCode').find(device), undefined);
      assert.equal(await rawItem(userCodeIndexKey(userCode)), undefined, 'user code index item deleted');
      assert.deepEqual(await rawPartition(grantPartition(grantId)), []);
      for (const t of others) assert.ok(await adapter('AccessToken').find(t));
      assert.equal((await rawPartition(grantPartition(otherGrantId))).length, 3);
    });

    it('does nothing for an unknown grant: other grants keep their tokens', async () => {
      const kept = id();
      await adapter('AccessToken').upsert(kept, { grantId: id(), accountId: 'a' }, 60);
      await adapter('AccessToken').revokeByGrantId(id());
      assert.ok(await adapter('AccessToken').find(kept));
    });
  });

  describe('destroy', () => {
    it('removes a session and its uid index item', async () => {
      const [sessionId, uid] = [id(), id()];
      await adapter('Session').upsert(sessionId, { uid }, 60);
      await adapter('Session').destroy(sessionId);
      assert.equal(await adapter('Session').find(sessionId), undefined);
      assert.equal(await adapter('Session').findByUid(uid), undefined);
      assert.equal(await rawItem(uidIndexKey(uid)), undefined);
    });

    it('removes a token and its grant and user code index items', async () => {
      const [grantId, device, userCode] = [id(), id(), id()];
      await adapter('DeviceCode').upsert(device, token(grantId, { userCode }), 60);
      await adapter('DeviceCode').destroy(device);
      assert.equal(await adapter('DeviceCode').findByUserCode(userCode), undefined);
      assert.equal(await rawItem(userCodeIndexKey(userCode)), undefined);
      assert.deepEqual(await rawPartition(grantPartition(grantId)), []);
    });

    it("keeps the uid index when it already points at the session's new id (Session.resetIdentifier)", async () => {
      const [oldId, newId, uid] = [id(), id(), id()];
      await adapter('Session').upsert(oldId, { uid }, 60);
      await adapter('Session').upsert(newId, { uid }, 60);
      await adapter('Session').destroy(oldId);
      assert.equal((await adapter('Session').findByUid(uid))?.uid, uid);
    });

    it('removes an interaction (a model without index items) and ignores an unknown one', async () => {
      const uid = id();
      await adapter('Interaction').upsert(uid, { uid, returnTo: '/auth/x' }, 60);
      await adapter('Interaction').destroy(uid);
      assert.equal(await adapter('Interaction').find(uid), undefined);
      await adapter('Interaction').destroy(id());
    });

    it('does nothing for an unknown id: other tokens stay', async () => {
      const kept = id();
      await adapter('AccessToken').upsert(kept, { grantId: id(), accountId: 'a' }, 60);
      await adapter('AccessToken').destroy(id());
      assert.ok(await adapter('AccessToken').find(kept));
    });
  });

  describe('DynamoDB failures fail closed', () => {
    it('propagates a throttled GetItem from find instead of answering not found', async () => {
      const key = id();
      await adapter('AccessToken').upsert(key, token(id()), 60);
      let thrown = 0;
      const faulty = faultyDoc(async (command, real) => {
        if (command instanceof GetCommand && thrown++ === 0) throw throttled();
        return real(command);
      });
      await assert.rejects(adapter('AccessToken', { doc: faulty }).find(key), {
        name: 'ThrottlingException',
      });
      assert.ok(await adapter('AccessToken', { doc: faulty }).find(key), 'the next call goes through');
    });

    it('propagates a throttled UpdateItem from consume, leaving the grant and the code untouched', async () => {
      const [grantId, code] = [id(), id()];
      await adapter('Grant').upsert(grantId, { accountId: 'alice', clientId: 'app' }, 600);
      await adapter('AuthorizationCode').upsert(code, token(grantId), 60);
      const faulty = faultyDoc(async (command, real) => {
        if (command instanceof UpdateCommand) throw throttled();
        return real(command);
      });
      await assert.rejects(adapter('AuthorizationCode', { doc: faulty }).consume(code), {
        name: 'ThrottlingException',
      });
      assert.equal((await adapter('AuthorizationCode').find(code))?.consumed, undefined);
      assert.ok(await adapter('Grant').find(grantId));
    });

    it('propagates a throttled BatchWriteItem from upsert', async () => {
      const faulty = faultyDoc(async (command, real) => {
        if (command instanceof BatchWriteCommand) throw throttled();
        return real(command);
      });
      await assert.rejects(adapter('AccessToken', { doc: faulty }).upsert(id(), token(id()), 60), {
        name: 'ThrottlingException',
      });
    });

    it('retries UnprocessedItems and follows query pages until a large grant is fully revoked', async () => {
      const grantId = id();
      const tokens = Array.from({ length: 30 }, id);
      let batchCalls = 0;
      let queryCalls = 0;
      // DynamoDB processes only part of a batch under load, and pages a Query at 1 MB: simulate both.
      const faulty = faultyDoc(async (command, real) => {
        if (command instanceof QueryCommand) {
          queryCalls++;
          return real(new QueryCommand({ ...command.input, Limit: 7 }));
        }
        if (!(command instanceof BatchWriteCommand)) return real(command);
        batchCalls++;
        const [table, requests] = Object.entries(command.input.RequestItems ?? {})[0] ?? ['', []];
        const done = Math.ceil(requests.length / 2);
        await real(new BatchWriteCommand({ RequestItems: { [table]: requests.slice(0, done) } }));
        const rest = requests.slice(done);
        const output: Partial<BatchWriteCommandOutput> = {
          UnprocessedItems: rest.length ? { [table]: rest } : {},
        };
        return output;
      });
      const tokensAdapter = adapter('AccessToken', { doc: faulty });
      for (const t of tokens) await tokensAdapter.upsert(t, token(grantId), 600);
      assert.equal(batchCalls, 60, 'each two-item upsert (main + grant index) needed one retry');
      batchCalls = 0;

      await tokensAdapter.revokeByGrantId(grantId);

      assert.ok(queryCalls >= 5, `query followed LastEvaluatedKey (${queryCalls} pages)`);
      assert.ok(
        batchCalls > 3,
        `UnprocessedItems were retried (${batchCalls} BatchWriteItem calls for 60 deletes)`,
      );
      for (const t of tokens) assert.equal(await adapter('AccessToken').find(t), undefined);
      assert.deepEqual(await rawPartition(grantPartition(grantId)), []);
    });

    it('gives up with an error when UnprocessedItems never clear', async () => {
      const faulty = faultyDoc(async (command, real) => {
        if (!(command instanceof BatchWriteCommand)) return real(command);
        const output: Partial<BatchWriteCommandOutput> = {
          UnprocessedItems: command.input.RequestItems ?? {},
        };
        return output;
      });
      const tokensAdapter = adapter('AccessToken', { doc: faulty, retry: { attempts: 3, baseDelayMs: 1 } });
      await assert.rejects(tokensAdapter.upsert(id(), token(id()), 60), /unprocessed/);
    });
  });

  describe('as the adapter of oidc-provider', () => {
    it('saves, finds and consumes tokens through the library models', async () => {
      const provider = new Provider('http://localhost:3000', {
        adapter: dynamoOidcAdapterFactory({ doc, tableName: store.tables.oidc }),
        clients: [
          {
            client_id: 'app',
            client_secret: 'secret-secret-secret',
            redirect_uris: ['https://app.example/cb'],
          },
        ],
      });
      const client = await provider.Client.find('app');
      assert.ok(client);
      const grant = new provider.Grant({ accountId: 'alice', clientId: 'app' });
      grant.addOIDCScope('openid');
      const grantId = await grant.save();
      const code = new provider.AuthorizationCode({
        accountId: 'alice',
        client,
        grantId,
        redirectUri: 'https://app.example/cb',
        scope: 'openid',
        gty: 'authorization_code',
      });
      const value = await code.save();

      const found = await provider.AuthorizationCode.find(value);
      assert.equal(found?.accountId, 'alice');
      await found?.consume();
      assert.ok((await adapter('AuthorizationCode').find(value))?.consumed);
      await assert.rejects(async () => found?.consume(), errors.InvalidGrant);
      assert.equal(await provider.Grant.find(grantId), undefined);
    });
  });

  describe("the account index (each user's sessions and grants)", () => {
    const activity = (now?: () => number) =>
      new DynamoAccountActivity(doc, store.tables.oidc, now ?? Date.now);

    it('lists a signed-in session with where it was seen, written in the same request as the session', async () => {
      const [user, sessionId, uid] = [id(), id(), id()];
      let writes = 0;
      const counting = faultyDoc((command, real) => {
        writes++;
        return real(command);
      });
      await adapter('Session', {
        doc: counting,
        seenFrom: () => ({ ip: '203.0.113.9', userAgent: 'Mozilla/5.0 (Windows NT 10.0) Chrome/130' }),
      }).upsert(
        sessionId,
        {
          uid,
          accountId: user,
          loginTs: 1_700_000_000,
          amr: ['pwd'],
          authorizations: { app: { sid: 'sid-1', grantId: 'g-1', persistsLogout: true } },
        },
        60,
      );
      assert.equal(writes, 1, 'one BatchWriteItem: the session, its uid and account index items');
      const [listed, ...more] = await activity().sessionsOf(user);
      assert.deepEqual(more, []);
      assert.equal(listed?.sessionId, sessionId);
      assert.equal(listed?.uid, uid);
      assert.equal(listed?.ip, '203.0.113.9');
      assert.match(listed?.userAgent ?? '', /Chrome/);
      assert.equal(listed?.signedInAt, 1_700_000_000);
      assert.deepEqual(listed?.amr, ['pwd']);
      assert.deepEqual(listed?.apps, [
        { clientId: 'app', sid: 'sid-1', grantId: 'g-1', persistsLogout: true },
      ]);
    });

    it('does not list a session before sign-in, after it ends, or once it belongs to another user', async () => {
      const [alice, bob, uid, first, second] = [id(), id(), id(), id(), id()];
      await adapter('Session').upsert(first, { uid }, 60);
      assert.deepEqual(await activity().sessionsOf(alice), [], 'no account yet: not indexed');
      await adapter('Session').upsert(first, { uid, accountId: alice }, 60);
      assert.equal((await activity().sessionsOf(alice)).length, 1);
      // The same stored session now names Bob (Alice's entry still points at it): not Alice's any more.
      await adapter('Session').upsert(first, { uid, accountId: bob }, 60);
      assert.deepEqual(await activity().sessionsOf(alice), []);
      await adapter('Session').upsert(first, { uid, accountId: alice }, 60);
      // A new sign-in in the same browser as Bob: a new session id for the same uid, the old one destroyed.
      await adapter('Session').upsert(second, { uid, accountId: bob }, 60);
      await adapter('Session').destroy(first);
      assert.deepEqual(await activity().sessionsOf(alice), [], 'the browser is no longer Alice’s');
      assert.equal((await activity().sessionsOf(bob))[0]?.sessionId, second);
      await adapter('Session').destroy(second);
      assert.deepEqual(await activity().sessionsOf(bob), []);
      assert.deepEqual(await rawPartition(`account#${bob}`), [], 'the index item went with the session');
    });

    it('skips an expired session and a revoked grant, and says whether a grant allows offline access', async () => {
      const [user, sessionId, online, offline] = [id(), id(), id(), id()];
      const time = clock();
      await adapter('Session', { now: time.now }).upsert(sessionId, { uid: id(), accountId: user }, 60);
      await adapter('Grant').upsert(
        online,
        { accountId: user, clientId: 'a', openid: { scope: 'openid' } },
        600,
      );
      await adapter('Grant').upsert(
        offline,
        { accountId: user, clientId: 'b', openid: { scope: 'openid offline_access' } },
        600,
      );
      time.advance(61);
      assert.deepEqual(await activity(time.now).sessionsOf(user), []);
      const grants = await activity().grantsOf(user);
      assert.deepEqual(grants.map((g) => [g.clientId, g.offline]).sort(), [
        ['a', false],
        ['b', true],
      ]);
      await adapter('Grant').destroy(online);
      assert.deepEqual(
        (await activity().grantsOf(user)).map((g) => g.grantId),
        [offline],
        'a stale entry of a revoked grant is not believed',
      );
    });
  });
});
