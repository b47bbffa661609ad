import { BatchGetCommand, DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AccountActivity, AppGrant, BrowserSession } from '../../domain/ports.ts';
import { accountIndexKey, accountPartition, mainKey } from './oidc-keys.ts';
import { queryPartition } from './query.ts';

/** At most this many sessions, or the grants of this many apps, are listed (the newest first). */
const LIMIT = 50;
/**
 * At most this many index entries are checked for a list (BatchGetItem reads 100 at a time). The
 * limit above counts entries that are live and the user's, so stale ones cannot crowd them out.
 */
const SCAN = 500;
const BATCH_GET = 100;

/**
 * The account index the oidc adapter keeps (oidc-keys.ts accountIndexKey), read for the account
 * page: one strongly consistent Query of the user's partition, then BatchGetItem (100 keys a call)
 * of the items it points at. An entry is believed only while its item exists, is live and still names the user: a
 * session that signed in as someone else, a grant revoked or expired, are skipped.
 */
export class DynamoAccountActivity implements AccountActivity {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly now: () => number = Date.now,
  ) {}

  async sessionsOf(userId: string): Promise<BrowserSession[]> {
    const entries = await this.entries(userId, 'Session');
    const sessions: BrowserSession[] = [];
    const enough = (found: unknown[]) => found.length >= LIMIT;
    for (const [entry, payload] of await this.pointed(userId, 'Session', entries, enough, SCAN)) {
      sessions.push({
        sessionId: String(entry.id),
        uid: String(payload.uid),
        signedInAt: numberOr(payload.loginTs),
        seenAt: numberOr(entry.seenAt),
        ...(typeof entry.ip === 'string' ? { ip: entry.ip } : {}),
        ...(typeof entry.userAgent === 'string' ? { userAgent: entry.userAgent } : {}),
        amr: Array.isArray(payload.amr) ? payload.amr.filter((v): v is string => typeof v === 'string') : [],
        apps: Object.entries(objectOr(payload.authorizations)).map(([clientId, raw]) => {
          const a = objectOr(raw);
          return {
            clientId,
            ...(typeof a.sid === 'string' ? { sid: a.sid } : {}),
            ...(typeof a.grantId === 'string' ? { grantId: a.grantId } : {}),
            persistsLogout: a.persistsLogout === true,
          };
        }),
      });
    }
    return sessions.sort((a, b) => (b.seenAt ?? 0) - (a.seenAt ?? 0)).slice(0, LIMIT);
  }

  async grantsOf(userId: string, clientId?: string): Promise<AppGrant[]> {
    // One app's grants are all read (revoking must not miss one); a list stops at LIMIT apps.
    const entries = (await this.entries(userId, 'Grant')).filter(
      (e) => clientId === undefined || e.clientId === undefined || e.clientId === clientId,
    );
    const enough = (found: Array<[unknown, Record<string, unknown>]>) =>
      clientId === undefined && new Set(found.map(([, payload]) => payload.clientId)).size >= LIMIT;
    const scan = clientId === undefined ? SCAN : Number.POSITIVE_INFINITY;
    return (await this.pointed(userId, 'Grant', entries, enough, scan))
      .filter(([, payload]) => clientId === undefined || payload.clientId === clientId)
      .map(([entry, payload]) => ({
        grantId: String(entry.id),
        clientId: String(payload.clientId),
        grantedAt: numberOr(payload.iat),
        offline: String(objectOr(payload.openid).scope ?? '')
          .split(' ')
          .includes('offline_access'),
      }))
      .sort((a, b) => (b.grantedAt ?? 0) - (a.grantedAt ?? 0));
  }

  async forgetGrant(userId: string, grantId: string): Promise<void> {
    await this.doc.send(
      new DeleteCommand({ TableName: this.table, Key: accountIndexKey(userId, 'Grant', grantId) }),
    );
  }

  private async entries(userId: string, model: 'Session' | 'Grant'): Promise<Record<string, unknown>[]> {
    const live = (i: Record<string, unknown>) =>
      typeof i.id === 'string' && !(typeof i.expiresAt === 'number' && i.expiresAt <= this.seconds());
    return (await queryPartition(this.doc, this.table, accountPartition(userId), `${model}#`))
      .filter(live)
      .sort((a, b) => recency(b) - recency(a));
  }

  /**
   * The entries whose items exist, are live and belong to the user, with each item's payload: read
   * newest first, BATCH_GET at a time, until `enough` of them are found or `scan` entries are read.
   */
  private async pointed(
    userId: string,
    model: 'Session' | 'Grant',
    entries: Record<string, unknown>[],
    enough: (found: Array<[Record<string, unknown>, Record<string, unknown>]>) => boolean,
    scan: number,
  ): Promise<Array<[Record<string, unknown>, Record<string, unknown>]>> {
    const result: Array<[Record<string, unknown>, Record<string, unknown>]> = [];
    const end = Math.min(entries.length, scan);
    for (let start = 0; start < end && !enough(result); start += BATCH_GET) {
      const chunk = entries.slice(start, Math.min(start + BATCH_GET, end));
      const found = new Map<string, Record<string, unknown>>();
      let wanted = chunk.map((e) => mainKey(model, String(e.id)));
      for (let round = 0; wanted.length > 0 && round < 5; round++) {
        const got = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: wanted, ConsistentRead: true } } }),
        );
        for (const item of got.Responses?.[this.table] ?? []) found.set(String(item.pk), item);
        wanted = (got.UnprocessedKeys?.[this.table]?.Keys ?? []) as typeof wanted;
      }
      if (wanted.length > 0) throw new Error('sessions could not be read');
      for (const entry of chunk) {
        const item = found.get(mainKey(model, String(entry.id)).pk);
        if (!item || (typeof item.expiresAt === 'number' && item.expiresAt <= this.seconds())) continue;
        const payload = objectOr(item.payload);
        if (payload.accountId === userId) result.push([entry, payload]);
      }
    }
    return result;
  }

  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }
}

/** Sessions by when they were last seen, grants by expiry (extended at each use). */
function recency(entry: Record<string, unknown>): number {
  return numberOr(entry.seenAt) ?? numberOr(entry.expiresAt) ?? 0;
}

function numberOr(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

function objectOr(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}
