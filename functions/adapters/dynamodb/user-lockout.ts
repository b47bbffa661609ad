import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { auditTenant } from '../../domain/deps.ts';
import type { AttemptClaim, LockoutPolicy, User } from '../../domain/ports.ts';
import { keys } from './directory-keys.ts';
import { noteWrite, rememberWritten } from './request-scope.ts';
import { type Item, isConditionFailure, toUser } from './user-item.ts';

/**
 * The lockout counter on the user item. It only ever changes through conditional UpdateItems, never
 * read-then-write, so K concurrent guesses cannot race past the threshold (cf. Zitadel
 * GHSA-7h8m-vrxx-vr4m). Reads happen only to explain why a condition failed.
 */
export class DynamoLockout {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** One UpdateItem in the common case; it also returns the hash (ALL_NEW), so login needs no read. */
  async claimAttempt(id: string, now: number, policy: LockoutPolicy): Promise<AttemptClaim> {
    for (let round = 0; round < 4; round++) {
      const granted = await this.tryClaim(id, now, policy.maxAttempts);
      if (granted) return { kind: 'granted', user: toUser(granted) };
      const item = await this.read(id);
      if (!item) return { kind: 'unknown' };
      const verdict = await this.explainRefusal(id, item, now, policy);
      if (verdict) return verdict;
    }
    return { kind: 'locked', lockedUntil: null, tenantId: null }; // persistent contention: fail closed
  }

  private async tryClaim(id: string, now: number, max: number): Promise<Item | null> {
    noteWrite(this.table, keys.user(id));
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.user(id),
          UpdateExpression:
            'SET failedAttempts = if_not_exists(failedAttempts, :zero) + :one, lastAttemptAt = :now',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(lockedUntil) OR lockedUntil <= :now) AND (attribute_not_exists(failedAttempts) OR failedAttempts < :max)',
          ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':now': now, ':max': max },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ?? null;
    } catch (err) {
      if (isConditionFailure(err)) return null;
      throw err;
    }
  }

  /** Returns the refusal, or null after clearing an expired lock or stale count (then claim again). */
  private async explainRefusal(
    id: string,
    item: Item,
    now: number,
    policy: LockoutPolicy,
  ): Promise<AttemptClaim | null> {
    const user = toUser(item);
    if (user.lockedUntil !== null && user.lockedUntil > now)
      return { kind: 'locked', lockedUntil: user.lockedUntil, tenantId: auditTenant(user) };
    if (user.lockedUntil !== null) {
      await this.reset(id, 'lockedUntil = :seen', { ':seen': user.lockedUntil });
      return null;
    }
    if (user.failedAttempts < policy.maxAttempts) return null; // changed since the claim: try again
    // Threshold reached without a lock: attempts in flight, or a crash before recordFailure. Treat
    // it as a lock from the last claim, so a lost record can't lock the account for ever.
    const last = typeof item.lastAttemptAt === 'number' ? item.lastAttemptAt : 0;
    if (last + policy.durationMs > now)
      return { kind: 'locked', lockedUntil: last + policy.durationMs, tenantId: auditTenant(user) };
    const lastGuard =
      typeof item.lastAttemptAt === 'number'
        ? 'lastAttemptAt = :last'
        : 'attribute_not_exists(lastAttemptAt)';
    await this.reset(id, `attribute_not_exists(lockedUntil) AND failedAttempts = :count AND ${lastGuard}`, {
      ':count': user.failedAttempts,
      ...(typeof item.lastAttemptAt === 'number' ? { ':last': item.lastAttemptAt } : {}),
    });
    return null;
  }

  /** Starts a fresh count; guarded on the observed state so only one of many concurrent callers does it. */
  private async reset(id: string, guard: string, values: Item): Promise<void> {
    noteWrite(this.table, keys.user(id));
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.user(id),
          UpdateExpression: 'SET failedAttempts = :zero REMOVE lockedUntil',
          ConditionExpression: `attribute_exists(pk) AND ${guard}`,
          ExpressionAttributeValues: { ':zero': 0, ...values },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err; // someone else moved it on; the next claim decides
    }
  }

  async recordFailure(id: string, now: number, policy: LockoutPolicy): Promise<number | null> {
    const until = now + policy.durationMs;
    const done = await this.conditionalSet(
      id,
      'SET lockedUntil = :until',
      'failedAttempts >= :max AND (attribute_not_exists(lockedUntil) OR lockedUntil <= :now)',
      { ':until': until, ':max': policy.maxAttempts, ':now': now },
    );
    return done ? until : null; // null: below the threshold, or a concurrent failure locked it first
  }

  /**
   * The completed sign-in's settlement. The item it leaves (ALL_NEW) answers the request's next read
   * of the user (request-scope.ts rememberWritten): the resume that finishes a password sign-in in the
   * same request reads the user for the tokens' claims and needs no second round trip.
   */
  async recordSuccess(id: string, now: number, seen?: Pick<User, 'credentialsChangedAt'>): Promise<boolean> {
    // Given what the claim saw: not disabled since, and no password reset or "sign out everywhere"
    // since (credentialsChangedAt as it was), else a sign-in verified against the old credentials
    // would settle after the reset and start a session the reset never ends.
    const unchanged = !seen
      ? ''
      : seen.credentialsChangedAt === null
        ? ' AND attribute_not_exists(credentialsChangedAt) AND (attribute_not_exists(disabled) OR disabled = :false)'
        : ' AND credentialsChangedAt = :seen AND (attribute_not_exists(disabled) OR disabled = :false)';
    return this.conditionalSet(
      id,
      'SET failedAttempts = :zero REMOVE lockedUntil',
      // (DynamoDB refuses redundant parentheses: without `seen` the condition is the OR alone.)
      unchanged
        ? `(attribute_not_exists(lockedUntil) OR lockedUntil <= :now)${unchanged}`
        : 'attribute_not_exists(lockedUntil) OR lockedUntil <= :now',
      {
        ':zero': 0,
        ':now': now,
        ...(seen ? { ':false': false } : {}),
        ...(seen && seen.credentialsChangedAt !== null ? { ':seen': seen.credentialsChangedAt } : {}),
      },
      true,
    );
  }

  /** Undoes one claim (failedAttempts - 1) without clearing earlier failures; false while locked. */
  async releaseAttempt(id: string, now: number): Promise<boolean> {
    return this.conditionalSet(
      id,
      'SET failedAttempts = failedAttempts - :one',
      'failedAttempts > :zero AND (attribute_not_exists(lockedUntil) OR lockedUntil <= :now)',
      { ':one': 1, ':zero': 0, ':now': now },
    );
  }

  private async conditionalSet(
    id: string,
    update: string,
    condition: string,
    values: Item,
    keepResult = false,
  ): Promise<boolean> {
    try {
      noteWrite(this.table, keys.user(id));
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.user(id),
          UpdateExpression: update,
          ConditionExpression: `attribute_exists(pk) AND (${condition})`,
          ExpressionAttributeValues: values,
          ...(keepResult ? { ReturnValues: 'ALL_NEW' as const } : {}),
        }),
      );
      if (keepResult && Attributes) rememberWritten(this.table, keys.user(id), Attributes);
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  private async read(id: string): Promise<Item | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.user(id), ConsistentRead: true }),
    );
    return Item;
  }
}
