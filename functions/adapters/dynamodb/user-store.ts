import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type AttemptClaim,
  EmailTaken,
  type LockoutPolicy,
  type NewUser,
  NotFound,
  type User,
  type UserStore,
} from '../../domain/ports.ts';
import { keys } from './directory-keys.ts';

type Item = Record<string, unknown>;

function toUser(item: Item): User {
  return {
    id: String(item.id),
    email: String(item.email),
    emailKey: String(item.emailKey),
    emailVerified: item.emailVerified === true,
    name: String(item.name ?? ''),
    passwordHash: typeof item.passwordHash === 'string' ? item.passwordHash : null,
    createdAt: String(item.createdAt),
    disabled: item.disabled === true,
    failedAttempts: typeof item.failedAttempts === 'number' ? item.failedAttempts : 0,
    lockedUntil: typeof item.lockedUntil === 'number' ? item.lockedUntil : null,
  };
}

const isConditionFailure = (err: unknown) => err instanceof ConditionalCheckFailedException;

/**
 * Users and their lockout state on the directory table. The lockout counter only ever changes
 * through conditional UpdateItems, never read-then-write, so concurrent guesses cannot race past
 * the threshold (cf. Zitadel GHSA-7h8m-vrxx-vr4m).
 */
export class DynamoUserStore implements UserStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(user: NewUser): Promise<void> {
    // No transactions (dynalite lacks them): claim the e-mail first, then write the user; undo the claim on failure.
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.email(user.emailKey), userId: user.id },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw new EmailTaken();
      throw err;
    }
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.user(user.id), ...user, disabled: false, failedAttempts: 0 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      await this.doc.send(new DeleteCommand({ TableName: this.table, Key: keys.email(user.emailKey) }));
      throw err;
    }
  }

  async findById(id: string): Promise<User | null> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.user(id), ConsistentRead: true }),
    );
    return Item ? toUser(Item) : null;
  }

  async findByEmailKey(emailKey: string): Promise<User | null> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.email(emailKey), ConsistentRead: true }),
    );
    return typeof Item?.userId === 'string' ? this.findById(Item.userId) : null;
  }

  async updateProfile(
    id: string,
    changes: { name?: string; emailVerified?: boolean; disabled?: boolean },
  ): Promise<void> {
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
    if (!entries.length) return;
    await this.update(id, `SET ${entries.map(([k]) => `#${k} = :${k}`).join(', ')}`, {
      names: Object.fromEntries(entries.map(([k]) => [`#${k}`, k])),
      values: Object.fromEntries(entries.map(([k, v]) => [`:${k}`, v])),
    });
  }

  async setPassword(id: string, passwordHash: string): Promise<void> {
    await this.update(id, 'SET passwordHash = :h, failedAttempts = :zero REMOVE lockedUntil', {
      values: { ':h': passwordHash, ':zero': 0 },
    });
  }

  async upgradePasswordHash(id: string, expectedOld: string, passwordHash: string): Promise<void> {
    try {
      await this.update(
        id,
        'SET passwordHash = :h',
        { values: { ':h': passwordHash, ':old': expectedOld } },
        'passwordHash = :old',
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err; // changed meanwhile (e.g. admin reset): keep the newer hash
    }
  }

  async claimAttempt(id: string, now: number, policy: LockoutPolicy): Promise<AttemptClaim> {
    for (let round = 0; round < 3; round++) {
      try {
        const { Attributes } = await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: keys.user(id),
            UpdateExpression: 'SET failedAttempts = if_not_exists(failedAttempts, :zero) + :one',
            ConditionExpression:
              'attribute_exists(pk) AND (attribute_not_exists(lockedUntil) OR lockedUntil <= :now) AND (attribute_not_exists(failedAttempts) OR failedAttempts < :max)',
            ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':now': now, ':max': policy.maxAttempts },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { kind: 'granted', user: toUser(Attributes ?? {}) };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
      const user = await this.findById(id);
      if (!user) return { kind: 'unknown' };
      if (user.lockedUntil === null || user.lockedUntil > now) {
        // Locked, or the threshold's worth of attempts is already in flight.
        return { kind: 'locked', lockedUntil: user.lockedUntil };
      }
      await this.releaseExpiredLock(id, user.lockedUntil);
    }
    return { kind: 'locked', lockedUntil: null };
  }

  /** A lock whose window has passed starts a fresh count; guarded on the observed value so only one caller resets it. */
  private async releaseExpiredLock(id: string, observed: number): Promise<void> {
    try {
      await this.update(
        id,
        'SET failedAttempts = :zero REMOVE lockedUntil',
        { values: { ':zero': 0, ':seen': observed } },
        'lockedUntil = :seen',
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  async recordFailure(id: string, now: number, policy: LockoutPolicy): Promise<number | null> {
    const until = now + policy.durationMs;
    try {
      await this.update(
        id,
        'SET lockedUntil = :until',
        { values: { ':until': until, ':max': policy.maxAttempts, ':now': now } },
        'failedAttempts >= :max AND (attribute_not_exists(lockedUntil) OR lockedUntil <= :now)',
      );
      return until;
    } catch (err) {
      if (isConditionFailure(err)) return null; // below the threshold, or already locked by a concurrent failure
      throw err;
    }
  }

  async recordSuccess(id: string, now: number): Promise<boolean> {
    try {
      await this.update(
        id,
        'SET failedAttempts = :zero REMOVE lockedUntil',
        { values: { ':zero': 0, ':now': now } },
        'attribute_not_exists(lockedUntil) OR lockedUntil <= :now',
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  private async update(
    id: string,
    expression: string,
    attrs: { names?: Record<string, string>; values?: Record<string, unknown> },
    condition?: string,
  ): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.user(id),
          UpdateExpression: expression,
          ConditionExpression: condition ? `attribute_exists(pk) AND (${condition})` : 'attribute_exists(pk)',
          ...(attrs.names ? { ExpressionAttributeNames: attrs.names } : {}),
          ...(attrs.values ? { ExpressionAttributeValues: attrs.values } : {}),
        }),
      );
    } catch (err) {
      if (!condition && isConditionFailure(err)) throw new NotFound();
      throw err;
    }
  }
}
