import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent, AuditLog, AuditPage, AuditQuery } from '../../domain/ports.ts';
import { AUDIT_SHARDS, auditKeys } from './directory-keys.ts';
import { AUDIT_TARGET_INDEX, AUDIT_TENANT_INDEX } from './tables.ts';

const DAY_MS = 86_400_000;
const DAY_PARTITION = /^DAY#\d{4}-\d{2}-\d{2}#\d{2}$/;
/** A query without a target reads day by day; it may span at most this many days. */
export const MAX_UNTARGETED_DAYS = 31;

/** Sort keys start with the ISO time: a bound is the time itself (from) or just after it (to). */
const lowerBound = (ms: number) => new Date(ms).toISOString();
const upperBound = (ms: number) => `${new Date(ms).toISOString()}#\uffff`;

function toEvent(item: Record<string, unknown>): AuditEvent {
  const { pk: _pk, sk: _sk, expiresAt: _expires, tenantShard: _shard, ...event } = item;
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
 * `byTarget` index (paged by DynamoDB's own key); by tenant, the tenant's 16 partitions of the
 * `byTenant` index queried together and merged; otherwise day by day, newest first, the day's shards
 * queried together and merged (both paged by the sort key of the last event returned).
 */
export class DynamoAuditLog implements AuditLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async query(q: AuditQuery): Promise<AuditPage> {
    if (q.target) return this.#byTarget(q, q.target);
    return q.tenant ? this.#byTenant(q, q.tenant) : this.#byDay(q);
  }

  /** One tenant's events: its 16 shards of the `byTenant` index, merged newest first. */
  async #byTenant(q: AuditQuery, tenant: string): Promise<AuditPage> {
    const before = this.#before(q);
    const upper = before ?? upperBound(q.to);
    const shards = await Promise.all(
      Array.from({ length: AUDIT_SHARDS }, (_, shard) =>
        this.#newest(
          { index: AUDIT_TENANT_INDEX, key: 'tenantShard', value: auditKeys.tenant(tenant, shard) },
          q,
          upper,
        ),
      ),
    );
    return this.#merged(shards.flat(), q, before);
  }

  /** The `before` of a cursor of this query: the sort key of an event inside the query's own range. */
  #before(q: AuditQuery): string | undefined {
    const before = decode(q.cursor)?.before;
    if (
      before !== undefined &&
      (typeof before !== 'string' || before < lowerBound(q.from) || before > upperBound(q.to))
    )
      throw new RangeError('cursor');
    return before;
  }

  /** The newest `limit` of events gathered from several partitions, with the cursor to what follows. */
  #merged(found: Array<Record<string, unknown>>, q: AuditQuery, before: string | undefined): AuditPage {
    const rest = found.filter((i) => String(i.sk) !== before);
    rest.sort((a, b) => String(b.sk).localeCompare(String(a.sk)));
    const page = rest.slice(0, q.limit);
    const last = page.at(-1);
    const more = rest.length > q.limit || (page.length === q.limit && last !== undefined);
    return {
      events: page.map(toEvent),
      ...(more && last ? { next: encode({ before: String(last.sk) }) } : {}),
    };
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
    const before = this.#before(q);
    const upper = before ?? upperBound(q.to);
    const found: Array<Record<string, unknown>> = [];
    for (
      let day = Date.parse(upper.slice(0, 10));
      day >= Date.parse(lowerBound(q.from).slice(0, 10));
      day -= DAY_MS
    ) {
      const date = new Date(day).toISOString().slice(0, 10);
      const shards = await Promise.all(
        Array.from({ length: AUDIT_SHARDS }, (_, shard) =>
          this.#newest({ key: 'pk', value: auditKeys.day(date, shard) }, q, upper),
        ),
      );
      found.push(...shards.flat().filter((i) => String(i.sk) !== before));
      if (found.length >= q.limit) break;
    }
    return this.#merged(found, q, before);
  }

  /** Up to `limit` + 1 newest events of one partition (of the table or an index), at or below `upper`. */
  async #newest(
    partition: { index?: string; key: string; value: string },
    q: AuditQuery,
    upper: string,
  ): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          ...(partition.index ? { IndexName: partition.index } : {}),
          KeyConditionExpression: '#p = :p AND sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#p': partition.key, ...(q.type ? { '#type': 'type' } : {}) },
          ExpressionAttributeValues: {
            ':p': partition.value,
            ':from': lowerBound(q.from),
            ':to': upper,
            ...(q.type ? { ':type': q.type } : {}),
          },
          ...(q.type ? { FilterExpression: '#type = :type' } : {}),
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
