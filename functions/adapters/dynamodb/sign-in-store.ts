import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  EmailChallenge,
  PasswordReset,
  PendingRef,
  PendingSignIn,
  SignInStore,
} from '../../domain/ports.ts';
import { keys } from './directory-keys.ts';
import { conditionalWrite, consistentGet } from './query.ts';
import { expectRead } from './request-scope.ts';

const seconds = (ms: number) => Math.ceil(ms / 1000);

/** The condition that a write concerns the very sign-in its caller read: same id, same user. */
const SAME_SIGN_IN = 'attribute_exists(pk) AND #p.id = :id AND #p.userId = :u';

/**
 * Sign-ins awaiting a second factor and the e-mail codes sent for them, keyed by the interaction
 * uid (`SIGNIN#<uid>`) on the directory table. Both expire with the interaction (TTL tidies up;
 * expiry is checked on every read by the domain).
 */
export class DynamoSignInStore implements SignInStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async putPending(pending: PendingSignIn): Promise<boolean> {
    return this.conditional(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.pendingSignIn(pending.uid), pending, expiresAt: seconds(pending.expiresAt) },
        // One user per interaction for its whole life (a second user's password must not take over
        // a sign-in whose factor is being verified), and nothing after it finished.
        ConditionExpression:
          'attribute_not_exists(pk) OR (#p.userId = :u AND attribute_not_exists(#p.finished))',
        ExpressionAttributeNames: { '#p': 'pending' },
        ExpressionAttributeValues: { ':u': pending.userId },
      }),
    );
  }

  /** Says the request will read this pending sign-in soon, so the read can ride with others (request-scope.ts). */
  expectPending(uid: string): void {
    expectRead(this.doc, this.table, keys.pendingSignIn(uid));
  }

  async getPending(uid: string): Promise<PendingSignIn | null> {
    const item = await this.get(keys.pendingSignIn(uid));
    return (item?.pending as PendingSignIn | undefined) ?? null;
  }

  async markPassed(
    ref: PendingRef,
    method: NonNullable<PendingSignIn['passed']>,
    proven: NonNullable<PendingSignIn['proven']>,
    amr?: readonly string[],
  ): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.pendingSignIn(ref.uid),
        UpdateExpression: `SET #p.passed = :m, #p.proven = :s${amr ? ', #p.amr = :a' : ''}`,
        ConditionExpression: `${SAME_SIGN_IN} AND attribute_not_exists(#p.passed)`,
        ExpressionAttributeNames: { '#p': 'pending' },
        ExpressionAttributeValues: {
          ':m': method,
          ':s': proven,
          ':id': ref.id,
          ':u': ref.userId,
          ...(amr ? { ':a': [...amr] } : {}),
        },
      }),
    );
  }

  async finishPending(ref: PendingRef): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.pendingSignIn(ref.uid),
        UpdateExpression: 'SET #p.finished = :yes',
        ConditionExpression: `${SAME_SIGN_IN} AND attribute_exists(#p.passed) AND attribute_not_exists(#p.finished)`,
        ExpressionAttributeNames: { '#p': 'pending' },
        ExpressionAttributeValues: { ':yes': true, ':id': ref.id, ':u': ref.userId },
      }),
    );
  }

  async reserveEmailSend(userId: string, now: number, max: number): Promise<boolean> {
    const hour = Math.floor(now / 3_600_000);
    return this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.emailQuota(userId, hour),
        UpdateExpression: 'ADD sends :one SET expiresAt = :ttl',
        ConditionExpression: 'attribute_not_exists(sends) OR sends < :max',
        ExpressionAttributeValues: { ':one': 1, ':max': max, ':ttl': (hour + 2) * 3600 },
      }),
    );
  }

  async getEmailChallenge(uid: string): Promise<EmailChallenge | null> {
    const item = await this.get(keys.emailChallenge(uid));
    if (!item) return null;
    const { pk: _pk, sk: _sk, expiresAt: _ttl, codeExpiresAt, ...rest } = item;
    return { ...rest, expiresAt: codeExpiresAt } as unknown as EmailChallenge;
  }

  async putEmailChallenge(challenge: EmailChallenge, previousSentAt: number | null): Promise<boolean> {
    // Replaces the previous code (it stops working) but only if nobody else sent one meanwhile.
    return this.conditional(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...challenge,
          ...keys.emailChallenge(challenge.uid),
          // expiresAt is the table's TTL attribute (seconds); the code's own expiry is kept in ms.
          codeExpiresAt: challenge.expiresAt,
          expiresAt: seconds(challenge.expiresAt),
        },
        ...(previousSentAt === null
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: 'sentAt = :prev',
              ExpressionAttributeValues: { ':prev': previousSentAt },
            }),
      }),
    );
  }

  async countEmailFailure(uid: string, max: number): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.emailChallenge(uid),
        UpdateExpression: 'SET failures = failures + :one',
        ConditionExpression: 'attribute_exists(pk) AND failures < :max',
        ExpressionAttributeValues: { ':one': 1, ':max': max },
      }),
    );
  }

  async consumeEmailChallenge(uid: string, codeHash: string, now: number, max: number): Promise<boolean> {
    return this.conditional(
      new DeleteCommand({
        TableName: this.table,
        Key: keys.emailChallenge(uid),
        ConditionExpression: 'codeHash = :h AND failures < :max AND codeExpiresAt > :now',
        ExpressionAttributeValues: { ':h': codeHash, ':max': max, ':now': now },
      }),
    );
  }

  async getReset(uid: string): Promise<PasswordReset | null> {
    const item = await this.get(keys.passwordReset(uid));
    return (item?.reset as PasswordReset | undefined) ?? null;
  }

  async putReset(reset: PasswordReset, previousSentAt: number | null): Promise<boolean> {
    return this.conditional(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.passwordReset(reset.uid), reset, expiresAt: seconds(reset.expiresAt) },
        ...(previousSentAt === null
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: '#r.sentAt = :prev',
              ExpressionAttributeNames: { '#r': 'reset' },
              ExpressionAttributeValues: { ':prev': previousSentAt },
            }),
      }),
    );
  }

  async countResetFailure(uid: string, max: number): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.passwordReset(uid),
        UpdateExpression: 'SET #r.failures = #r.failures + :one',
        ConditionExpression: 'attribute_exists(pk) AND #r.failures < :max',
        ExpressionAttributeNames: { '#r': 'reset' },
        ExpressionAttributeValues: { ':one': 1, ':max': max },
      }),
    );
  }

  async verifyReset(uid: string, codeHash: string, now: number, max: number): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.passwordReset(uid),
        UpdateExpression: 'SET #r.verified = :yes',
        ConditionExpression:
          '#r.codeHash = :h AND #r.failures < :max AND #r.expiresAt > :now AND attribute_type(#r.userId, :s)',
        ExpressionAttributeNames: { '#r': 'reset' },
        ExpressionAttributeValues: { ':yes': true, ':h': codeHash, ':max': max, ':now': now, ':s': 'S' },
      }),
    );
  }

  async takeReset(uid: string, userId: string, now: number): Promise<boolean> {
    return this.conditional(
      new DeleteCommand({
        TableName: this.table,
        Key: keys.passwordReset(uid),
        ConditionExpression: '#r.verified = :yes AND #r.userId = :u AND #r.expiresAt > :now',
        ExpressionAttributeNames: { '#r': 'reset' },
        ExpressionAttributeValues: { ':yes': true, ':u': userId, ':now': now },
      }),
    );
  }

  async spendPasskeyChallenge(uid: string, nonce: string, expiresAt: number): Promise<boolean> {
    return this.conditional(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.spentPasskeyChallenge(uid, nonce), expiresAt: seconds(expiresAt) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  private get(key: { pk: string; sk: string }) {
    return consistentGet(this.doc, this.table, key);
  }

  private conditional(command: PutCommand | UpdateCommand | DeleteCommand): Promise<boolean> {
    return conditionalWrite(this.doc, command);
  }
}
