import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent, AuditLog, AuditPage, AuditQuery } from '../../domain/ports.ts';
import { AUDIT_SHARDS, auditKeys } from './directory-keys.ts';
import { AUDIT_TARGET_INDEX } from './tables.ts';

const DAY_MS = 86_400_000;
const DAY_PARTITION = /^DAY#\d{4}-\d{2}-\d{2}#\d{2}$/;
/** A query without a target reads day by day; it may span at most this many days. */
export const MAX_UNTARGETED_DAYS = 31;

/** Sort keys start with the ISO time: a bound is the time itself (from) or just after it (to). */
const lowerBound = (ms: number) => new Date(ms).toISOString();
const upperBound = (ms: number) => `${new Date(ms).toISOString()}#\uffff`;

function toEvent(item: Record<string, unknown>): AuditEvent {
  const { pk: _pk, sk: _sk, expiresAt: _expires, ...event } = item;
  return event as unknown as AuditEvent;
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function decode(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {}
  throw new RangeError('cursor');
}

/**
 * Audit events read back from the audit table without a Scan: by target, one Query of the
 * `byTarget` index (paged by DynamoDB's own key); otherwise day by day, newest first, the day's
 * shards queried together and merged (paged by the sort key of the last event returned).
 */
export class DynamoAuditLog implements AuditLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async query(q: AuditQuery): Promise<AuditPage> {
    return q.target ? this.#byTarget(q, q.target) : this.#byDay(q);
  }

  async #byTarget(q: AuditQuery, target: string): Promise<AuditPage> {
    const start = decode(q.cursor);
    // Only a key of this very query's partition (DynamoDB's own LastEvaluatedKey) is a cursor.
    if (
      start &&
      !(
        Object.keys(start).length === 3 &&
        start.target === target &&
        typeof start.pk === 'string' &&
        DAY_PARTITION.test(start.pk) &&
        typeof start.sk === 'string'
      )
    )
      throw new RangeError('cursor');
    const page = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: AUDIT_TARGET_INDEX,
        KeyConditionExpression: '#t = :t AND sk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#t': 'target', ...(q.type ? { '#type': 'type' } : {}) },
        ExpressionAttributeValues: {
          ':t': target,
          ':from': lowerBound(q.from),
          ':to': upperBound(q.to),
          ...(q.type ? { ':type': q.type } : {}),
        },
        ...(q.type ? { FilterExpression: '#type = :type' } : {}),
        ScanIndexForward: false,
        Limit: q.limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const events = (page.Items ?? []).map(toEvent);
    return { events, ...(page.LastEvaluatedKey ? { next: encode(page.LastEvaluatedKey) } : {}) };
  }

  async #byDay(q: AuditQuery): Promise<AuditPage> {
    if (q.to - q.from > MAX_UNTARGETED_DAYS * DAY_MS) throw new RangeError('range');
    const before = decode(q.cursor)?.before;
    // A cursor names an event inside the query's own range; anything else is not a cursor of it.
    if (
      before !== undefined &&
      (typeof before !== 'string' || before < lowerBound(q.from) || before > upperBound(q.to))
    )
      throw new RangeError('cursor');
    const upper = before ?? upperBound(q.to);
    const found: Array<Record<string, unknown>> = [];
    for (
      let day = Date.parse(upper.slice(0, 10));
      day >= Date.parse(lowerBound(q.from).slice(0, 10));
      day -= DAY_MS
    ) {
      const date = new Date(day).toISOString().slice(0, 10);
      const shards = await Promise.all(
        Array.from({ length: AUDIT_SHARDS }, (_, shard) => this.#shard(date, shard, q, upper)),
      );
      found.push(...shards.flat().filter((i) => String(i.sk) !== before));
      if (found.length >= q.limit) break;
    }
    found.sort((a, b) => String(b.sk).localeCompare(String(a.sk)));
    const page = found.slice(0, q.limit);
    const last = page.at(-1);
    const more = found.length > q.limit || (page.length === q.limit && last !== undefined);
    return {
      events: page.map(toEvent),
      ...(more && last ? { next: encode({ before: String(last.sk) }) } : {}),
    };
  }

  /** Up to `limit` newest events of one shard of one day, at or below `upper`. */
  async #shard(date: string, shard: number, q: AuditQuery, upper: string) {
    const items: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': auditKeys.day(date, shard),
            ':from': lowerBound(q.from),
            ':to': upper,
            ...(q.type ? { ':type': q.type } : {}),
          },
          ...(q.type
            ? { FilterExpression: '#type = :type', ExpressionAttributeNames: { '#type': 'type' } }
            : {}),
          ScanIndexForward: false,
          Limit: q.limit + 1,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start && items.length <= q.limit);
    return items;
  }
}
