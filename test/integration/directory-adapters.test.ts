import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoAuditLog } from '../../functions/adapters/dynamodb/audit-log.ts';
import { DynamoAuditSink } from '../../functions/adapters/dynamodb/audit-sink.ts';
import { createDynamo } from '../../functions/adapters/dynamodb/client.ts';
import { DynamoClientStore } from '../../functions/adapters/dynamodb/client-store.ts';
import { DynamoCredentialStore } from '../../functions/adapters/dynamodb/credential-store.ts';
import { AUDIT_SHARDS, auditKeys, keys } from '../../functions/adapters/dynamodb/directory-keys.ts';
import { DynamoRoleStore } from '../../functions/adapters/dynamodb/role-store.ts';
import { DynamoSecretStore } from '../../functions/adapters/dynamodb/secret-store.ts';
import { DynamoSignInStore } from '../../functions/adapters/dynamodb/sign-in-store.ts';
import { DynamoUserStore } from '../../functions/adapters/dynamodb/user-store.ts';
import { MemoryMailer } from '../../functions/adapters/memory/mfa-stores.ts';
import { MemorySecretStore } from '../../functions/adapters/memory/stores.ts';
import { secretBox } from '../../functions/adapters/secrets/secret-box.ts';
import { parseConfig } from '../../functions/config/config.ts';
import { sessionEnded } from '../../functions/domain/accounts.ts';
import { ManualClock } from '../../functions/domain/clock.ts';
import {
  passwordlessOptions,
  passwordlessSignIn,
} from '../../functions/domain/credentials/passkey/passwordless.ts';
import {
  beginPasskeyRegistration,
  finishPasskeyRegistration,
} from '../../functions/domain/credentials/passkey/registration.ts';
import type { DomainDeps } from '../../functions/domain/deps.ts';
import { authenticatePassword, createUser, type Deps } from '../../functions/domain/login.ts';
import { requirementFor, requirementForId } from '../../functions/domain/mfa/sign-in.ts';
import { EmailTaken, type NewUser } from '../../functions/domain/ports.ts';
import { memoryFederation } from '../support/federation-memory.ts';
import { startTestStore, type TestStore } from '../support/store.ts';
import { SoftAuthenticator } from '../support/webauthn.ts';

/** DynamoDB-only behaviour: item shapes, the no-transaction create, races between cold starts. */
describe('DynamoDB directory adapters', () => {
  let store: TestStore;
  let dynamo: ReturnType<typeof createDynamo>;
  let users: DynamoUserStore;
  const calls: string[] = [];
  before(async () => {
    store = await startTestStore();
    dynamo = createDynamo({ dynamodb: store.dynamodb });
    dynamo.doc.middlewareStack.add(
      (next, context) => (args) => {
        calls.push(String(context.commandName));
        if (process.env.DEBUG_CALLS) console.log(context.commandName, JSON.stringify(args.input));
        return next(args);
      },
      { step: 'initialize' },
    );
    users = new DynamoUserStore(dynamo.doc, store.tables.directory);
  });
  after(async () => {
    dynamo.raw.destroy();
    await store.stop();
  });

  const newUser = (id: string, emailKey: string, createdAt = '2026-01-01T00:00:00.000Z'): NewUser => ({
    id,
    email: emailKey,
    emailKey,
    emailVerified: false,
    name: id,
    passwordHash: null,
    createdAt,
  });

  it('keeps the sessions a user ended one by one, and drops an entry once its session could no longer live', async () => {
    await users.create(newUser('ends-sessions', 'ends-sessions@example.com'));
    await users.endSession('ends-sessions', { uid: 'a', at: 1_000_000, until: 2_000_000 });
    await users.endSession('ends-sessions', { uid: 'b', at: 1_500_000, until: 2_500_000 });
    let user = await users.findById('ends-sessions');
    assert.deepEqual(
      user?.endedSessions?.map((e) => e.uid),
      ['a', 'b'],
    );
    assert.ok(user && sessionEnded(user, 'a', 999), 'signed in before the end: ended');
    assert.ok(user && !sessionEnded(user, 'a', 1_001), 'signed in after the end: a new sign-in');
    assert.ok(user && !sessionEnded(user, 'c', 999), 'another session');
    await users.endSession('ends-sessions', { uid: 'c', at: 2_100_000, until: 3_000_000 });
    user = await users.findById('ends-sessions');
    assert.deepEqual(
      user?.endedSessions?.map((e) => e.uid),
      ['b', 'c'],
      "a's session has expired anyway",
    );
    await assert.rejects(users.endSession('nobody', { uid: 'x', at: 1, until: 2 }));
  });

  it('signs in with one read and two conditional updates on the directory, plus one audit write', async () => {
    const deps: Deps = {
      users,
      clients: new DynamoClientStore(dynamo.doc, store.tables.directory),
      roles: new DynamoRoleStore(dynamo.doc, store.tables.directory),
      audit: new DynamoAuditSink(dynamo.doc, store.tables.audit, 30),
      clock: new ManualClock(),
      config: {
        lockout: { maxAttempts: 3, durationSeconds: 600 },
        argon2: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
        passwordPolicy: {
          minLength: 12,
          maxLength: 128,
          requireDigit: false,
          requireUpper: false,
          requireLower: false,
          requireSpecial: false,
        },
      },
    };
    await createUser(deps, {
      email: 'calls@example.com',
      name: 'C',
      password: 'a perfectly fine passphrase',
    });
    calls.length = 0;
    const outcome = await authenticatePassword(deps, {
      email: 'calls@example.com',
      password: 'a perfectly fine passphrase',
    });
    assert.equal(outcome.ok, true);
    assert.deepEqual(calls, ['GetItemCommand', 'UpdateItemCommand', 'UpdateItemCommand', 'PutItemCommand']);
  });

  it('marks a new user as never having had a factor, and drops the mark before a first factor is written', async () => {
    const credentials = new DynamoCredentialStore(dynamo.doc, store.tables.directory);
    await users.create(newUser('mfa-mark', 'mfa-mark@example.com'));
    assert.equal((await users.findById('mfa-mark'))?.factorsNeverAdded, true);
    const fresh = { user: { id: 'mfa-mark', tenantId: 'default', factorsNeverAdded: true as const } };
    const deps = {
      ...memoryFederation(),
      clients: new DynamoClientStore(dynamo.doc, store.tables.directory),
      roles: new DynamoRoleStore(dynamo.doc, store.tables.directory),
      config: parseConfig({ issuer: 'https://id.example.com' }),
      credentials,
    } as unknown as DomainDeps;
    calls.length = 0;
    await requirementFor(deps, { ...fresh, clientId: '', requested: null });
    assert.ok(!calls.includes('QueryCommand'), 'a user who never had a factor has none to read');
    calls.length = 0;
    await credentials.put('mfa-mark', { type: 'email', key: '', data: { enabled: true, createdAt: 1 } });
    assert.deepEqual(calls, ['UpdateItemCommand', 'PutItemCommand'], 'the mark goes first');
    assert.equal((await users.findById('mfa-mark'))?.factorsNeverAdded, undefined);
    await credentials.delete('mfa-mark', { type: 'email', key: '' });
    await credentials.put('mfa-mark', { type: 'email', key: '', data: { enabled: true, createdAt: 2 } });
    assert.equal((await users.findById('mfa-mark'))?.factorsNeverAdded, undefined, 'and never comes back');
  });

  it('reads every credential of a user with one Query, and old items exactly as they were written', async () => {
    const credentials = new DynamoCredentialStore(dynamo.doc, store.tables.directory);
    const roles = new DynamoRoleStore(dynamo.doc, store.tables.directory);
    await users.create(newUser('mfa-old', 'mfa-old@example.com'));
    await roles.grant('mfa-old', 'app', 'admin'); // same partition, not a credential
    // Items as the earlier per-factor store wrote them: the same keys and attributes read unchanged.
    const pk = 'USER#mfa-old';
    for (const item of [
      { pk, sk: 'MFA#TOTP', secretSealed: 'sealed', confirmed: true, lastStep: 7, createdAt: 1 },
      { pk, sk: 'MFA#EMAIL', enabled: true, createdAt: 1 },
      { pk, sk: 'MFA#RECOVERY#h1', createdAt: 1 },
      { pk, sk: 'MFA#RECOVERY#h2', createdAt: 1 },
      { pk, sk: 'MFA#SOMETHING-NEW', createdAt: 1 },
    ])
      await dynamo.doc.send(new PutCommand({ TableName: store.tables.directory, Item: item }));
    calls.length = 0;
    const listed = await credentials.list('mfa-old');
    assert.deepEqual(calls, ['QueryCommand']);
    assert.deepEqual(
      listed.map((c) => `${c.type}/${c.key}`).sort(),
      ['email/', 'recovery/h1', 'recovery/h2', 'totp/'],
      'an item no strategy owns is left alone',
    );
    assert.deepEqual(listed.find((c) => c.type === 'totp')?.data, {
      secretSealed: 'sealed',
      confirmed: true,
      lastStep: 7,
      createdAt: 1,
    });
  });

  it('makes single use and replay protection conditional writes', async () => {
    const credentials = new DynamoCredentialStore(dynamo.doc, store.tables.directory);
    const totp = { type: 'totp', key: '' } as const;
    const data = { secretSealed: 'a', confirmed: false, lastStep: 0, createdAt: 1 };
    assert.equal(
      await credentials.put('mfa-cas', { ...totp, data }, { absentOr: { confirmed: false } }),
      true,
    );
    const confirm = (step: number) =>
      credentials.update(
        'mfa-cas',
        totp,
        { set: { confirmed: true, lastStep: step } },
        { present: { confirmed: false, secretSealed: 'a' } },
      );
    assert.deepEqual(await Promise.all([confirm(5), confirm(5)]).then((r) => r.filter(Boolean).length), 1);
    assert.equal(
      await credentials.put('mfa-cas', { ...totp, data }, { absentOr: { confirmed: false } }),
      false,
      'a confirmed secret is never replaced',
    );
    const accept = (step: number) =>
      credentials.update(
        'mfa-cas',
        totp,
        { set: { lastStep: step } },
        { present: { confirmed: true }, below: { lastStep: step } },
      );
    assert.equal(await accept(5), false, 'the step used at enrolment is a replay');
    assert.deepEqual((await Promise.all([accept(6), accept(6), accept(6)])).filter(Boolean).length, 1);
    const code = { type: 'recovery', key: 'h9' } as const;
    await credentials.put('mfa-cas', { ...code, data: { createdAt: 1 } });
    assert.deepEqual(
      (await Promise.all([1, 2, 3].map(() => credentials.delete('mfa-cas', code)))).filter(Boolean).length,
      1,
    );
    assert.equal(await credentials.get('mfa-cas', code), null);
  });

  it('gives the factor-change lease to one of several racing callers, and again once freed or lapsed', async () => {
    const factors = new DynamoCredentialStore(dynamo.doc, store.tables.directory);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => factors.lockChanges('mfa-lock', 1_000, 31_000)),
    );
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal(await factors.lockChanges('mfa-lock', 30_999, 60_000), false, 'still held');
    assert.equal(await factors.lockChanges('mfa-lock', 31_000, 61_000), true, 'lapsed: taken over');
    await factors.unlockChanges('mfa-lock', 31_000);
    assert.equal(
      await factors.lockChanges('mfa-lock', 31_001, 90_000),
      false,
      'the lapsed holder frees nothing',
    );
    await factors.unlockChanges('mfa-lock', 61_000);
    assert.equal(await factors.lockChanges('mfa-lock', 31_001, 61_001), true, 'freed');
    assert.deepEqual(await factors.list('mfa-lock'), [], 'the lease is no credential');
  });

  it('decides the MFA requirement with one Query, reading roles only when a role rule exists', async () => {
    const mfaDeps = (requiredRoles: string[]): DomainDeps => ({
      users,
      clients: new DynamoClientStore(dynamo.doc, store.tables.directory),
      roles: new DynamoRoleStore(dynamo.doc, store.tables.directory),
      audit: new DynamoAuditSink(dynamo.doc, store.tables.audit, 30),
      clock: new ManualClock(),
      config: parseConfig({ issuer: 'https://id.example.com', mfa: { requiredRoles } }),
      credentials: new DynamoCredentialStore(dynamo.doc, store.tables.directory),
      signIns: new DynamoSignInStore(dynamo.doc, store.tables.directory),
      box: secretBox(new MemorySecretStore()),
      mailer: new MemoryMailer(),
      auditLog: new DynamoAuditLog(dynamo.doc, store.tables.audit),
      ...memoryFederation(),
    });
    await users.create(newUser('mfa-req', 'mfa-req@example.com'));
    await new DynamoRoleStore(dynamo.doc, store.tables.directory).grant('mfa-req', 'app', 'admin');
    const user = { id: 'mfa-req', requireMfa: false, tenantId: 'default' };

    calls.length = 0;
    const { requirement: plain } = await requirementFor(mfaDeps([]), { user, clientId: '', requested: null });
    assert.deepEqual(plain, { required: false });
    assert.deepEqual(calls, ['QueryCommand']);

    calls.length = 0;
    const { requirement: byRole } = await requirementFor(mfaDeps(['admin']), {
      user,
      clientId: 'app',
      requested: null,
    });
    assert.deepEqual(byRole, { required: true, strength: 'any' });
    assert.deepEqual([...calls].sort(), ['GetItemCommand', 'QueryCommand', 'QueryCommand']);

    // Known by id only (step-up, the session check): the user is read too, alongside the rest.
    calls.length = 0;
    const found = await requirementForId(mfaDeps([]), { userId: 'mfa-req', clientId: '', requested: null });
    assert.deepEqual(found?.requirement, { required: false });
    assert.deepEqual([...calls].sort(), ['GetItemCommand', 'QueryCommand']);
    assert.equal(
      await requirementForId(mfaDeps([]), { userId: 'nobody', clientId: '', requested: null }),
      null,
    );
  });

  it('keeps passkeys and spends passwordless challenges on DynamoDB: one answer per challenge', async () => {
    const deps: DomainDeps = {
      users,
      clients: new DynamoClientStore(dynamo.doc, store.tables.directory),
      roles: new DynamoRoleStore(dynamo.doc, store.tables.directory),
      audit: new DynamoAuditSink(dynamo.doc, store.tables.audit, 30),
      clock: new ManualClock(),
      config: parseConfig({ issuer: 'https://id.example.com', mfa: { factors: ['passkey', 'totp'] } }),
      credentials: new DynamoCredentialStore(dynamo.doc, store.tables.directory),
      signIns: new DynamoSignInStore(dynamo.doc, store.tables.directory),
      box: secretBox(new MemorySecretStore()),
      mailer: new MemoryMailer(),
      auditLog: new DynamoAuditLog(dynamo.doc, store.tables.audit),
      ...memoryFederation(),
    };
    const user = await createUser(deps, {
      email: 'pk-dynamo@example.com',
      name: 'P',
      password: 'a perfectly fine passphrase',
    });
    const key = new SoftAuthenticator('id.example.com', 'https://id.example.com', { userHandle: user.id });
    const created = await beginPasskeyRegistration(deps, { user, session: 'pk-s' });
    assert.ok(created);
    const registered = await finishPasskeyRegistration(deps, {
      userId: user.id,
      session: 'pk-s',
      name: 'Key',
      response: JSON.stringify(key.register(created.challenge)),
    });
    assert.equal(registered.ok, true);
    // The registration's challenge item is gone; the passkey is one item with its public key.
    const items = await deps.credentials.list(user.id);
    assert.deepEqual(
      items.map((c) => [c.type, c.key.slice(0, 2), typeof c.data.publicKey]),
      [['passkey', 'k:', 'string']],
    );

    const options = await passwordlessOptions(deps, 'pk-uid');
    assert.ok(options);
    key.counter = -1; // a key that keeps no counter: only the spent challenge stops a replay
    const response = JSON.stringify(key.assert(options.challenge));
    calls.length = 0;
    const signedIn = await passwordlessSignIn(deps, { uid: 'pk-uid', response });
    assert.equal(signedIn.ok, true);
    // The attempt claimed with the user read, the factors read, the challenge spent, the use
    // recorded, the interaction's pending sign-in read (another user's binds it: refused), the
    // counter settled, the success audited.
    assert.deepEqual([...calls].sort(), [
      'GetItemCommand',
      'PutItemCommand',
      'PutItemCommand',
      'QueryCommand',
      'UpdateItemCommand',
      'UpdateItemCommand',
      'UpdateItemCommand',
    ]);
    const spent = await dynamo.doc.send(
      new QueryCommand({
        TableName: store.tables.directory,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'SIGNIN#pk-uid' },
      }),
    );
    assert.equal(spent.Items?.length, 1);
    assert.equal(typeof spent.Items?.[0]?.expiresAt, 'number', 'the spent challenge has a TTL');
    // Two answers to one challenge at once (no counter to tell them apart): one signs in. (More at
    // once would also lock the account: each loser is a wrong attempt.)
    const next = await passwordlessOptions(deps, 'pk-uid');
    assert.ok(next);
    key.counter = -1;
    const again = JSON.stringify(key.assert(next.challenge));
    const raced = await Promise.all(
      [1, 2].map(() => passwordlessSignIn(deps, { uid: 'pk-uid', response: again })),
    );
    assert.equal(raced.filter((o) => o.ok).length, 1);
    // And an earlier answer replayed afterwards is refused.
    assert.deepEqual(await passwordlessSignIn(deps, { uid: 'pk-uid', response }), {
      ok: false,
      reason: 'wrong',
    });
  });

  it('frees the e-mail claim when the user item cannot be written', async () => {
    await users.create(newUser('dup-id', 'first@example.com'));
    await assert.rejects(users.create(newUser('dup-id', 'second@example.com'))); // same id: user put fails
    assert.equal(await users.findIdByEmailKey('second@example.com'), null);
    await users.create(newUser('other-id', 'second@example.com'));
  });

  it('reclaims an e-mail whose user never appeared (a crashed create), but only once it is old', async () => {
    const { doc } = dynamo;
    const table = store.tables.directory;
    const claimedAt = Date.parse('2026-01-01T00:00:00.000Z');
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: { ...keys.email('orphan@example.com'), userId: 'ghost', claimedAt },
      }),
    );
    await assert.rejects(
      users.create(newUser('new-1', 'orphan@example.com', '2026-01-01T00:01:00.000Z')),
      EmailTaken,
    );
    await users.create(newUser('new-1', 'orphan@example.com', '2026-01-01T00:10:00.000Z'));
    assert.equal(await users.findIdByEmailKey('orphan@example.com'), 'new-1');
    await assert.rejects(
      users.create(newUser('new-2', 'orphan@example.com', '2026-02-01T00:00:00.000Z')),
      EmailTaken,
    );
    await doc.send(new DeleteCommand({ TableName: table, Key: keys.user('new-1') }));
  });

  it('writes audit events append-only, spread over a day’s shards, with a retention TTL', async () => {
    const sink = new DynamoAuditSink(dynamo.doc, store.tables.audit, 30);
    const at = Date.parse('2026-03-04T05:06:07.000Z');
    const event = {
      type: 'login.failure',
      outcome: 'failure' as const,
      at,
      actor: 'anonymous',
      reason: 'unknown_user',
    };
    for (let i = 0; i < 64; i++) await sink.record(event);
    const shards = await Promise.all(
      Array.from({ length: AUDIT_SHARDS }, (_, shard) =>
        dynamo.doc.send(
          new QueryCommand({
            TableName: store.tables.audit,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': auditKeys.day('2026-03-04', shard) },
          }),
        ),
      ),
    );
    const items = shards.flatMap((r) => r.Items ?? []);
    assert.equal(items.length, 64, 'identical events at the same instant are all kept');
    assert.ok(
      shards.filter((r) => (r.Items ?? []).length > 0).length >= 8,
      'the day’s writes are spread out',
    );
    for (const item of items) {
      assert.match(String(item.sk), /^2026-03-04T05:06:07\.000Z#[0-9a-f]{16}$/);
      assert.equal(item.expiresAt, at / 1000 + 30 * 86400);
    }
  });

  it('reads audit events back by target or by day, filtered by type and time, newest first, in pages', async () => {
    const sink = new DynamoAuditSink(dynamo.doc, store.tables.audit, 30);
    const log = new DynamoAuditLog(dynamo.doc, store.tables.audit);
    const t0 = Date.parse('2026-05-10T12:00:00.000Z');
    for (let i = 0; i < 30; i++)
      await sink.record({
        type: i % 3 === 0 ? 'login.success' : 'login.failure',
        outcome: 'success',
        at: t0 + i * 3_600_000, // every hour, across two days
        actor: 'u-log',
        target: i % 2 === 0 ? 'u-log' : 'u-other',
        ...(i % 5 === 0 ? {} : { tenant: i % 5 === 1 ? 'acme' : 'beta' }),
      });
    const window = { from: t0, to: t0 + 30 * 3_600_000 };
    const mine = await log.query({ ...window, target: 'u-log', limit: 100 });
    assert.equal(mine.events.length, 15);
    assert.ok(mine.events.every((e) => e.target === 'u-log'));
    assert.deepEqual(
      mine.events.map((e) => e.at),
      [...mine.events.map((e) => e.at)].sort((a, b) => b - a),
      'newest first',
    );
    const successes = await log.query({ ...window, target: 'u-log', type: 'login.success', limit: 100 });
    assert.equal(successes.events.length, 5);
    const narrow = await log.query({
      from: t0 + 10 * 3_600_000,
      to: t0 + 12 * 3_600_000,
      target: 'u-log',
      limit: 100,
    });
    assert.deepEqual(
      narrow.events.map((e) => e.at),
      [t0 + 12 * 3_600_000, t0 + 10 * 3_600_000],
    );

    // Every event of the window, day by day across the shards, seven at a time.
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await log.query({ ...window, limit: 7, ...(cursor ? { cursor } : {}) });
      assert.ok(page.events.length <= 7);
      seen.push(...page.events.map((e) => e.at));
      cursor = page.next;
    } while (cursor);
    assert.equal(seen.length, 30, 'each event once');
    assert.equal(new Set(seen).size, 30);
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => b - a),
    );

    // One tenant's events, from its 16 partitions of the index by tenant, three at a time.
    const acme: number[] = [];
    cursor = undefined;
    do {
      const page = await log.query({ ...window, tenant: 'acme', limit: 3, ...(cursor ? { cursor } : {}) });
      assert.ok(page.events.every((e) => e.tenant === 'acme'));
      acme.push(...page.events.map((e) => e.at));
      cursor = page.next;
    } while (cursor);
    assert.deepEqual(
      acme,
      [26, 21, 16, 11, 6, 1].map((i) => t0 + i * 3_600_000),
    );
    const beta = await log.query({ ...window, tenant: 'beta', type: 'login.success', limit: 100 });
    assert.deepEqual(
      beta.events.map((e) => e.at),
      [27, 24, 18, 12, 9, 3].map((i) => t0 + i * 3_600_000),
    );
    assert.ok(!('tenantShard' in (beta.events[0] ?? {})), 'the index key stays inside the adapter');
    await assert.rejects(
      log.query({ from: t0 - 40 * 86_400_000, to: t0, limit: 10 }),
      RangeError,
      'at most 31 days without a target',
    );
    await assert.rejects(log.query({ ...window, limit: 10, cursor: 'not-a-cursor' }), RangeError);
    const forge = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const forged of [
      { before: '2020-01-01T00:00:00.000Z' },
      { before: '2126-12-02T00:00:00.000Z' }, // beyond the range: would walk a century of days
      { before: 42 },
    ])
      await assert.rejects(
        log.query({ ...window, limit: 10, cursor: forge(forged) }),
        RangeError,
        JSON.stringify(forged),
      );
    const first = await log.query({ ...window, target: 'u-log', limit: 2 });
    assert.ok(first.next);
    await assert.rejects(
      log.query({ ...window, target: 'u-other', limit: 2, cursor: first.next }),
      RangeError,
      'another target’s key',
    );
    await assert.rejects(
      log.query({
        ...window,
        target: 'u-log',
        limit: 2,
        cursor: forge({ pk: 'CONNECTION', sk: 'x', target: 'u-log' }),
      }),
      RangeError,
    );
    assert.equal(
      (await log.query({ ...window, target: 'u-log', limit: 2, cursor: first.next })).events.length,
      2,
    );
  });

  it('keeps the first of two racing secret generations and returns it to both', async () => {
    const secrets = new DynamoSecretStore(dynamo.doc, store.tables.directory);
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((v) => secrets.getOrCreate('race', async () => ({ v }))),
    );
    assert.equal(new Set(results.map((r) => r.v)).size, 1);
    const { Item } = await dynamo.doc.send(
      new GetCommand({ TableName: store.tables.directory, Key: keys.secret('race') }),
    );
    assert.deepEqual(JSON.parse(String(Item?.value)), results[0]);
  });
});
