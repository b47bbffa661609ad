import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type AdminLevel,
  type AttemptClaim,
  DEFAULT_TENANT,
  EmailTaken,
  type LockoutPolicy,
  type NewUser,
  NotFound,
  type User,
  type UserQuery,
  type UserStore,
} from '../../domain/ports.ts';
import { keys } from './directory-keys.ts';
import { expectRead, noteWrite, readItem } from './request-scope.ts';
import { type Item, isConditionFailure, toUser } from './user-item.ts';
import { DynamoLockout } from './user-lockout.ts';

/** An e-mail claim whose user item never appeared (crash between the two puts) is reclaimable after this. */
const ORPHAN_CLAIM_MS = 5 * 60 * 1000;
const PROFILE_FIELDS = new Set(['name', 'emailVerified', 'disabled', 'requireMfa']);

/**
 * Users on the directory table: a `USER#<id>`/`PROFILE` item plus an `EMAIL#<key>` claim item that
 * makes the e-mail unique. The lockout counter lives on the user item (see user-lockout.ts).
 */
export class DynamoUserStore implements UserStore {
  readonly #lockout: DynamoLockout;
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {
    this.#lockout = new DynamoLockout(doc, table);
  }

  /**
   * No transactions (dynalite lacks them): claim the e-mail first, then the tenant's listing entry,
   * then write the user; undo both on failure. A listing entry left behind names no user and is skipped.
   */
  async create(user: NewUser): Promise<void> {
    await this.claimEmail(user);
    const member = keys.member(user.tenantId ?? DEFAULT_TENANT, user.emailKey);
    try {
      await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...member, userId: user.id } }));
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          // factorsNeverAdded: see User; DynamoCredentialStore.put removes it before a first factor.
          Item: {
            ...user,
            disabled: false,
            failedAttempts: 0,
            factorsNeverAdded: true,
            ...keys.user(user.id),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      await this.doc
        .send(
          new DeleteCommand({
            TableName: this.table,
            Key: keys.email(user.emailKey),
            ConditionExpression: 'userId = :id',
            ExpressionAttributeValues: { ':id': user.id },
          }),
        )
        .catch(() => undefined); // a claim left behind is reclaimable later (orphanedClaimOwner)
      await this.doc
        .send(
          new DeleteCommand({
            TableName: this.table,
            Key: member,
            ConditionExpression: 'userId = :id',
            ExpressionAttributeValues: { ':id': user.id },
          }),
        )
        .catch(() => undefined);
      throw err;
    }
  }

  private async claimEmail(user: NewUser, expectedOwner?: string): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.email(user.emailKey), userId: user.id, claimedAt: Date.parse(user.createdAt) },
          ...(expectedOwner
            ? { ConditionExpression: 'userId = :old', ExpressionAttributeValues: { ':old': expectedOwner } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const orphan = expectedOwner ? null : await this.orphanedClaimOwner(user);
      if (orphan === null) throw new EmailTaken();
      await this.claimEmail(user, orphan);
    }
  }

  /** The owner of an old e-mail claim that points at no user (a crashed create), else null. */
  private async orphanedClaimOwner(user: NewUser): Promise<string | null> {
    const claim = await this.get(keys.email(user.emailKey));
    if (typeof claim?.userId !== 'string' || typeof claim.claimedAt !== 'number') return null;
    if (claim.claimedAt + ORPHAN_CLAIM_MS > Date.parse(user.createdAt)) return null;
    return (await this.get(keys.user(claim.userId))) ? null : claim.userId;
  }

  async findById(id: string): Promise<User | null> {
    const item = await this.get(keys.user(id));
    return item ? toUser(item) : null;
  }

  expectEmailLookup(emailKey: string): void {
    expectRead(this.doc, this.table, keys.email(emailKey));
  }

  async findIdByEmailKey(emailKey: string): Promise<string | null> {
    const item = await this.get(keys.email(emailKey));
    return typeof item?.userId === 'string' ? item.userId : null;
  }

  async findByEmailKey(emailKey: string): Promise<User | null> {
    const id = await this.findIdByEmailKey(emailKey);
    return id === null ? null : this.findById(id);
  }

  async listByTenant(tenantId: string, q: UserQuery): Promise<{ users: User[]; next?: string }> {
    const partition = keys.memberPartition(tenantId);
    let start: { pk: string; sk: string } | undefined;
    if (q.cursor !== undefined) {
      const sk = Buffer.from(q.cursor, 'base64url').toString('utf8');
      // Only an entry of this very query (its tenant, its prefix) is a cursor of it.
      if (!sk.startsWith(q.prefix) || sk.length > 320) throw new RangeError('cursor');
      start = { pk: partition, sk };
    }
    const page = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: q.prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
        ExpressionAttributeValues: { ':pk': partition, ...(q.prefix ? { ':prefix': q.prefix } : {}) },
        Limit: q.limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const entries = (page.Items ?? []).filter((i) => typeof i.userId === 'string');
    const found = new Map<string, User>();
    let wanted: Array<Record<string, string>> = entries.map((i) => keys.user(i.userId as string));
    for (let round = 0; wanted.length > 0 && round < 5; round++) {
      const got = await this.doc.send(
        new BatchGetCommand({ RequestItems: { [this.table]: { Keys: wanted, ConsistentRead: true } } }),
      );
      for (const item of got.Responses?.[this.table] ?? []) {
        const user = toUser(item);
        found.set(user.id, user);
      }
      wanted = (got.UnprocessedKeys?.[this.table]?.Keys ?? []) as Array<Record<string, string>>;
    }
    if (wanted.length > 0) throw new Error('users could not be read');
    // An entry whose user never appeared (a crashed create), or that no longer matches, is skipped.
    const users = entries
      .map((i) => found.get(i.userId as string))
      .filter((u): u is User => u !== undefined && u.tenantId === tenantId);
    const last = page.LastEvaluatedKey?.sk;
    return {
      users,
      ...(typeof last === 'string' ? { next: Buffer.from(last).toString('base64url') } : {}),
    };
  }

  async updateProfile(
    id: string,
    changes: { name?: string; emailVerified?: boolean; disabled?: boolean; requireMfa?: boolean },
  ): Promise<void> {
    // Only profile fields: a cast-away extra key must never reach the lockout or hash attributes.
    const entries = Object.entries(changes).filter(([k, v]) => PROFILE_FIELDS.has(k) && v !== undefined);
    if (!entries.length) return;
    await this.update(id, `SET ${entries.map(([k]) => `#${k} = :${k}`).join(', ')}`, {
      names: Object.fromEntries(entries.map(([k]) => [`#${k}`, k])),
      values: Object.fromEntries(entries.map(([k, v]) => [`:${k}`, v])),
    });
  }

  async setPassword(id: string, passwordHash: string, at: number): Promise<void> {
    await this.update(
      id,
      'SET passwordHash = :h, failedAttempts = :zero, credentialsChangedAt = :at REMOVE lockedUntil',
      {
        values: { ':h': passwordHash, ':zero': 0, ':at': at },
      },
    );
  }

  async setAdmin(id: string, level: AdminLevel | null): Promise<void> {
    await this.update(
      id,
      level ? 'SET #admin = :level' : 'REMOVE #admin',
      level
        ? { names: { '#admin': 'admin' }, values: { ':level': level } }
        : { names: { '#admin': 'admin' } },
    );
  }

  async setFederationOnly(id: string, on: boolean): Promise<void> {
    await this.update(
      id,
      on ? 'SET federationOnly = :on' : 'REMOVE federationOnly',
      on ? { values: { ':on': true } } : {},
    );
  }

  async endSessions(id: string, at: number): Promise<void> {
    await this.update(id, 'SET credentialsChangedAt = :at', { values: { ':at': at } });
  }

  /**
   * Appends the entry; when that leaves entries whose `until` has passed, rewrites the list without
   * them — only if nobody changed it meanwhile (else the next call tidies up). Every change counts
   * in `endedSessionsVersion`: the list's length could not tell, as another call's append and
   * tidy-up can bring it back to the length read without a mark this call never saw.
   */
  async endSession(
    id: string,
    ended: { uid: string; at: number; until: number },
    stored: readonly string[] = [],
  ): Promise<void> {
    noteWrite(this.table, keys.user(id));
    const { Attributes } = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.user(id),
        UpdateExpression:
          'SET endedSessions = list_append(if_not_exists(endedSessions, :empty), :one), endedSessionsVersion = if_not_exists(endedSessionsVersion, :zero) + :step',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':empty': [], ':one': [ended], ':zero': 0, ':step': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const all = (Attributes?.endedSessions ?? []) as Array<{ uid: string; until: number }>;
    const version = Number(Attributes?.endedSessionsVersion);
    const live = all.filter((e) => e.until > ended.at || stored.includes(e.uid));
    if (live.length === all.length) return;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.user(id),
          UpdateExpression: 'SET endedSessions = :live, endedSessionsVersion = :next',
          ConditionExpression: 'endedSessionsVersion = :version',
          ExpressionAttributeValues: { ':live': live, ':version': version, ':next': version + 1 },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  async upgradePasswordHash(id: string, expectedOld: string, passwordHash: string): Promise<void> {
    try {
      await this.update(
        id,
        'SET passwordHash = :h',
        { values: { ':h': passwordHash, ':old': expectedOld } },
        true,
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err; // changed meanwhile (e.g. admin reset): keep the newer hash
    }
  }

  claimAttempt(id: string, now: number, policy: LockoutPolicy): Promise<AttemptClaim> {
    return this.#lockout.claimAttempt(id, now, policy);
  }
  recordFailure(id: string, now: number, policy: LockoutPolicy): Promise<number | null> {
    return this.#lockout.recordFailure(id, now, policy);
  }
  recordSuccess(id: string, now: number, seen?: Pick<User, 'credentialsChangedAt'>): Promise<boolean> {
    return this.#lockout.recordSuccess(id, now, seen);
  }
  releaseAttempt(id: string, now: number): Promise<boolean> {
    return this.#lockout.releaseAttempt(id, now);
  }

  /** Strongly consistent; within a request it may ride with the request's other reads (request-scope.ts). */
  private get(key: { pk: string; sk: string }): Promise<Item | undefined> {
    return readItem(this.doc, this.table, key);
  }

  /** Updates an existing user (NotFound otherwise); `guarded` adds `passwordHash = :old`. */
  private async update(
    id: string,
    expression: string,
    attrs: { names?: Record<string, string>; values?: Record<string, unknown> },
    guarded = false,
  ): Promise<void> {
    noteWrite(this.table, keys.user(id));
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.user(id),
          UpdateExpression: expression,
          ConditionExpression: guarded
            ? 'attribute_exists(pk) AND passwordHash = :old'
            : 'attribute_exists(pk)',
          ...(attrs.names ? { ExpressionAttributeNames: attrs.names } : {}),
          ...(attrs.values ? { ExpressionAttributeValues: attrs.values } : {}),
        }),
      );
    } catch (err) {
      if (!guarded && isConditionFailure(err)) throw new NotFound();
      throw err;
    }
  }
}
