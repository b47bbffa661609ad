import { randomBytes, randomInt } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent, AuditSink } from '../../domain/ports.ts';
import { AUDIT_SHARDS, auditKeys } from './directory-keys.ts';

/** Append-only: one item per event, written with a condition so nothing is ever overwritten. */
export class DynamoAuditSink implements AuditSink {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly retentionDays: number,
  ) {}

  async record(event: AuditEvent): Promise<void> {
    const at = new Date(event.at).toISOString();
    const shard = randomInt(AUDIT_SHARDS);
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...event,
          ...auditKeys.event(at, randomBytes(8).toString('hex'), shard),
          ...(event.tenant ? { tenantShard: auditKeys.tenant(event.tenant, shard) } : {}),
          expiresAt: Math.floor(event.at / 1000) + this.retentionDays * 86400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }
}
