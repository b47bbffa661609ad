import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  Credential,
  CredentialRef,
  CredentialStore,
  CredentialValue,
  Expect,
} from '../../domain/ports.ts';
import { keys } from './directory-keys.ts';
import { conditionalWrite, consistentGet, queryPartition } from './query.ts';
import { noteWrite } from './request-scope.ts';

const TYPES: ReadonlyArray<Credential['type']> = ['totp', 'email', 'recovery', 'passkey'];

/**
 * Credentials on the directory table, beside the user item (`USER#<id>`), one item each under the
 * `MFA#` sort-key prefix: `MFA#<TYPE>` or `MFA#<TYPE>#<key>` (`MFA#TOTP`, `MFA#EMAIL`,
 * `MFA#RECOVERY#<hmac>`), the strategy's fields as top-level attributes. These are the keys and
 * attributes the earlier per-factor store wrote, so existing data reads unchanged.
 */
export class DynamoCredentialStore implements CredentialStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async list(userId: string): Promise<Credential[]> {
    const items = await queryPartition(this.doc, this.table, keys.userPartition(userId), keys.factorPrefix);
    return items.map(fromItem).filter((c): c is Credential => c !== null);
  }

  async get(userId: string, ref: CredentialRef): Promise<Credential | null> {
    const item = await consistentGet(this.doc, this.table, keys.credential(userId, ref.type, ref.key));
    return item ? fromItem(item) : null;
  }

  async put(userId: string, credential: Credential, expect?: Expect): Promise<boolean> {
    await this.factorsAdded(userId);
    const condition = expect ? conditionOf(expect) : null;
    return conditionalWrite(
      this.doc,
      new PutCommand({
        TableName: this.table,
        Item: { ...credential.data, ...keys.credential(userId, credential.type, credential.key) },
        ...(condition ? expression(condition) : {}),
      }),
    );
  }

  update(
    userId: string,
    ref: CredentialRef,
    change: { set: Record<string, CredentialValue>; unset?: string[] },
    expect: Expect,
  ): Promise<boolean> {
    const condition = conditionOf(expect);
    const names: Record<string, string> = { ...condition.names };
    const values: Record<string, unknown> = { ...condition.values };
    const sets = Object.entries(change.set).map(([field, value], i) => {
      names[`#s${i}`] = field;
      values[`:s${i}`] = value;
      return `#s${i} = :s${i}`;
    });
    const unsets = (change.unset ?? []).map((field, i) => {
      names[`#u${i}`] = field;
      return `#u${i}`;
    });
    const update = [
      sets.length ? `SET ${sets.join(', ')}` : '',
      unsets.length ? `REMOVE ${unsets.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    return conditionalWrite(
      this.doc,
      new UpdateCommand({
        TableName: this.table,
        Key: keys.credential(userId, ref.type, ref.key),
        UpdateExpression: update,
        ...expression({ text: condition.text, names, values }),
      }),
    );
  }

  /**
   * Before any credential item is written, the user item loses `factorsNeverAdded` (a sign-in that
   * sees it reads no factors: User.factorsNeverAdded). Once gone it never comes back, so it can only
   * ever claim "none" while that is true. Users who had it removed already: a failed condition, no-op.
   */
  private async factorsAdded(userId: string): Promise<void> {
    noteWrite(this.table, keys.user(userId));
    await conditionalWrite(
      this.doc,
      new UpdateCommand({
        TableName: this.table,
        Key: keys.user(userId),
        UpdateExpression: 'REMOVE factorsNeverAdded',
        ConditionExpression: 'attribute_exists(factorsNeverAdded)',
      }),
    );
  }

  delete(userId: string, ref: CredentialRef, expect?: Expect): Promise<boolean> {
    // Unconditional deletes still report whether something was there, so single use stays exact.
    return conditionalWrite(
      this.doc,
      new DeleteCommand({
        TableName: this.table,
        Key: keys.credential(userId, ref.type, ref.key),
        ...expression(conditionOf(expect ?? { present: {} })),
      }),
    );
  }

  async lockChanges(userId: string, now: number, until: number): Promise<boolean> {
    return conditionalWrite(
      this.doc,
      new PutCommand({
        TableName: this.table,
        // expiresAt lets TTL tidy up a lease whose holder died; the condition is what counts.
        Item: { ...keys.factorLock(userId), until, expiresAt: Math.ceil(until / 1000) + 3600 },
        ConditionExpression: 'attribute_not_exists(pk) OR #until <= :now',
        ExpressionAttributeNames: { '#until': 'until' },
        ExpressionAttributeValues: { ':now': now },
      }),
    );
  }

  async unlockChanges(userId: string, until: number): Promise<void> {
    await conditionalWrite(
      this.doc,
      new DeleteCommand({
        TableName: this.table,
        Key: keys.factorLock(userId),
        ConditionExpression: '#until = :until',
        ExpressionAttributeNames: { '#until': 'until' },
        ExpressionAttributeValues: { ':until': until },
      }),
    );
  }
}

/** The credential an item holds; null for a sort key no strategy owns (left alone, never guessed at). */
function fromItem(item: Record<string, unknown>): Credential | null {
  const [, type, ...rest] = String(item.sk).split('#');
  const known = TYPES.find((t) => t.toUpperCase() === type);
  if (!known) return null;
  const data: Record<string, CredentialValue> = {};
  for (const [field, value] of Object.entries(item)) {
    if (field === 'pk' || field === 'sk') continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      data[field] = value;
  }
  return { type: known, key: rest.join('#'), data };
}

interface Condition {
  text: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/** An `Expect` as a ConditionExpression, with every field name and value as a placeholder. */
function conditionOf(expect: Expect): Condition {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const compare = (fields: Record<string, CredentialValue | number>, op: '=' | '<', tag: string) =>
    Object.entries(fields).map(([field, value], i) => {
      names[`#${tag}${i}`] = field;
      values[`:${tag}${i}`] = value;
      return `#${tag}${i} ${op} :${tag}${i}`;
    });
  if ('absent' in expect) return { text: 'attribute_not_exists(pk)', names, values };
  if ('absentOr' in expect) {
    const equal = compare(expect.absentOr, '=', 'e');
    const text = equal.length
      ? `attribute_not_exists(pk) OR (${equal.join(' AND ')})`
      : 'attribute_not_exists(pk) OR attribute_exists(pk)';
    return { text, names, values };
  }
  const parts = [
    'attribute_exists(pk)',
    ...compare(expect.present, '=', 'e'),
    ...compare(expect.below ?? {}, '<', 'b'),
  ];
  return { text: parts.join(' AND '), names, values };
}

function expression(condition: Condition) {
  return {
    ConditionExpression: condition.text,
    ...(Object.keys(condition.names).length ? { ExpressionAttributeNames: condition.names } : {}),
    ...(Object.keys(condition.values).length ? { ExpressionAttributeValues: condition.values } : {}),
  };
}
