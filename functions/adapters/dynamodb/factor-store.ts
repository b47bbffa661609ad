import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { FactorStore, FactorSummary, TotpEnrolmentOwner, TotpFactor } from '../../domain/ports.ts';
import { keys } from './directory-keys.ts';
import { conditionalWrite, consistentGet, queryPartition } from './query.ts';

/**
 * Second factors on the directory table, beside the user item (`USER#<id>`): `MFA#TOTP` (sealed
 * secret, confirmed flag, last accepted time step), `MFA#EMAIL` (opt-in flag) and one
 * `MFA#RECOVERY#<hmac>` item per unused recovery code, so using one is a conditional delete.
 */
export class DynamoFactorStore implements FactorStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async getTotp(userId: string): Promise<TotpFactor | null> {
    return totpFrom(await this.get(keys.totp(userId)));
  }

  async putUnconfirmedTotp(
    userId: string,
    secretSealed: string,
    now: number,
    enrolment: TotpEnrolmentOwner,
  ): Promise<boolean> {
    return this.conditional(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.totp(userId),
          secretSealed,
          confirmed: false,
          lastStep: 0,
          createdAt: now,
          owner: enrolment.owner,
          enrolUntil: enrolment.enrolUntil,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR confirmed = :no',
        ExpressionAttributeValues: { ':no': false },
      }),
    );
  }

  async confirmTotp(userId: string, secretSealed: string, step: number): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.totp(userId),
        UpdateExpression: 'SET confirmed = :yes, lastStep = :step REMOVE #owner, enrolUntil',
        ConditionExpression: 'confirmed = :no AND secretSealed = :s',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':yes': true, ':no': false, ':step': step, ':s': secretSealed },
      }),
    );
  }

  /** RFC 6238 §5.2: a code accepted once must not be accepted again; the condition makes it atomic. */
  async acceptTotpStep(userId: string, step: number): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.totp(userId),
        UpdateExpression: 'SET lastStep = :step',
        ConditionExpression: 'confirmed = :yes AND lastStep < :step',
        ExpressionAttributeValues: { ':yes': true, ':step': step },
      }),
    );
  }

  async removeTotp(userId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: keys.totp(userId) }));
  }

  async emailCodesEnabled(userId: string): Promise<boolean> {
    return (await this.get(keys.emailCodes(userId)))?.enabled === true;
  }

  async setEmailCodes(userId: string, enabled: boolean, now: number): Promise<void> {
    if (!enabled) {
      await this.doc.send(new DeleteCommand({ TableName: this.table, Key: keys.emailCodes(userId) }));
      return;
    }
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.emailCodes(userId), enabled: true, createdAt: now },
      }),
    );
  }

  async replaceRecoveryCodes(userId: string, hashes: string[], now: number): Promise<void> {
    for (const item of await this.recoveryItems(userId)) {
      await this.doc.send(
        new DeleteCommand({ TableName: this.table, Key: { pk: item.pk as string, sk: item.sk as string } }),
      );
    }
    for (const hash of hashes) {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.recoveryCode(userId, hash), createdAt: now },
        }),
      );
    }
  }

  async useRecoveryCode(userId: string, hash: string): Promise<boolean> {
    return this.conditional(
      new DeleteCommand({
        TableName: this.table,
        Key: keys.recoveryCode(userId, hash),
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  async countRecoveryCodes(userId: string): Promise<number> {
    return (await this.recoveryItems(userId)).length;
  }

  /** One strongly consistent Query of the user's `MFA#` items, read with the same rules as the getters above. */
  async summary(userId: string): Promise<FactorSummary> {
    const items = await queryPartition(this.doc, this.table, keys.userPartition(userId), keys.factorPrefix);
    const bySk = (sk: string) => items.find((item) => item.sk === sk);
    return {
      totp: totpFrom(bySk(keys.totp(userId).sk))?.confirmed === true,
      emailCodes: bySk(keys.emailCodes(userId).sk)?.enabled === true,
      recoveryCodesLeft: items.filter((item) => String(item.sk).startsWith(keys.recoveryPrefix)).length,
    };
  }

  async lockChanges(userId: string, now: number, until: number): Promise<boolean> {
    return this.conditional(
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
    await this.conditional(
      new DeleteCommand({
        TableName: this.table,
        Key: keys.factorLock(userId),
        ConditionExpression: '#until = :until',
        ExpressionAttributeNames: { '#until': 'until' },
        ExpressionAttributeValues: { ':until': until },
      }),
    );
  }

  private recoveryItems(userId: string) {
    return queryPartition(this.doc, this.table, keys.userPartition(userId), keys.recoveryPrefix);
  }

  private get(key: { pk: string; sk: string }) {
    return consistentGet(this.doc, this.table, key);
  }

  private conditional(command: PutCommand | UpdateCommand | DeleteCommand): Promise<boolean> {
    return conditionalWrite(this.doc, command);
  }
}

/** The TOTP item as a TotpFactor; null when absent or without a secret. */
function totpFrom(item: Record<string, unknown> | undefined): TotpFactor | null {
  if (!item || typeof item.secretSealed !== 'string') return null;
  return {
    secretSealed: item.secretSealed,
    confirmed: item.confirmed === true,
    lastStep: typeof item.lastStep === 'number' ? item.lastStep : 0,
    createdAt: typeof item.createdAt === 'number' ? item.createdAt : 0,
    ...(typeof item.owner === 'string' ? { owner: item.owner } : {}),
    ...(typeof item.enrolUntil === 'number' ? { enrolUntil: item.enrolUntil } : {}),
  };
}
