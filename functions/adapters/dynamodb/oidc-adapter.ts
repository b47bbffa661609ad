import {
  type BatchWriteCommandInput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type Adapter, type AdapterFactory, type AdapterPayload, errors } from 'oidc-provider';
import {
  accountIndexKey,
  grantIndexKey,
  grantPartition,
  type ItemKey,
  mainKey,
  mainKeyFromGrantIndex,
  uidIndexKey,
  userCodeIndexKey,
} from './oidc-keys.ts';
import { queryPartition } from './query.ts';
import {
  batchWrite,
  deferWrite,
  expectRead,
  flushWrites,
  noteWrite,
  readItem,
  waitingPuts,
} from './request-scope.ts';

/**
 * oidc-provider's storage adapter on one DynamoDB table (see tables.ts and oidc-keys.ts).
 *
 * - Every read is a strongly consistent GetItem/Query of the base table: single use of codes and
 *   refresh tokens and grant revocation must not see stale data, which rules out GSIs.
 * - Expiry is checked on every read: DynamoDB TTL deletes items up to days late.
 * - No transactions (dynalite has none); a multi-item write is one BatchWriteItem whose
 *   UnprocessedItems are retried, and every DynamoDB error propagates (fail closed).
 * - Calls go through the request's scope (request-scope.ts): reads of one turn share a
 *   BatchGetItem, an interaction read twice in a request is read once, and on the authorization and
 *   token endpoints the unconditional writes of the request go out together before it answers.
 *   Conditional writes and queries first write what waits, so they see it.
 */

/** Models that carry a `grantId` and are revoked with their grant (same set as oidc-provider's memory adapter). */
const GRANT_BOUND = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

/**
 * Models whose item names the grant, the session and the account the token endpoint reads next
 * (oidc-provider's authorization_code and refresh_token grants), so those reads start together.
 */
const GRANT_SOURCES = new Set(['AuthorizationCode', 'RefreshToken']);

export interface OidcAdapterDeps {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /**
   * Where findAccount will read a token's account (the directory's user item), so that read can ride
   * with the grant's and the session's when a code or refresh token is redeemed.
   */
  accountItem?: (accountId: string) => { table: string; key: ItemKey };
  /** Epoch milliseconds. Injectable so tests move past an expiry without waiting. */
  now?: () => number;
  /** Back-off for BatchWriteItem's UnprocessedItems: `attempts` calls in all, delays double from `baseDelayMs`. */
  retry?: { attempts?: number; baseDelayMs?: number };
  /**
   * Where the current request comes from, kept on a session's account index item so the account
   * page can say where each browser was last seen (logger.ts's request context in production).
   */
  seenFrom?: () => { ip?: string; userAgent?: string } | undefined;
}

interface MainItem extends ItemKey {
  model: string;
  payload: AdapterPayload;
  expiresAt?: number;
  /** On a code's or refresh token's item: the id of the session saved with it (linkCodesToSessions). */
  sessionId?: string;
}

/** Index items point at a main item; grant index items also name its other index items, so revocation needs no reads. */
interface IndexItem extends ItemKey {
  model: string;
  id: string;
  expiresAt?: number;
  uid?: string;
  userCode?: string;
}

/** Account index items (oidc-keys.ts accountIndexKey) also say which app, and where the browser was seen. */
interface AccountIndexItem extends IndexItem {
  clientId?: string;
  seenAt?: number;
  ip?: string;
  userAgent?: string;
}

type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

export class DynamoOidcAdapter implements Adapter {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly now: () => number;
  private readonly retry: { attempts?: number; baseDelayMs?: number };
  private readonly accountItem: OidcAdapterDeps['accountItem'];
  private readonly seenFrom: NonNullable<OidcAdapterDeps['seenFrom']>;

  constructor(
    readonly model: string,
    deps: OidcAdapterDeps,
  ) {
    this.doc = deps.doc;
    this.table = deps.tableName;
    this.now = deps.now ?? Date.now;
    this.retry = deps.retry ?? {};
    this.accountItem = deps.accountItem;
    this.seenFrom = deps.seenFrom ?? (() => undefined);
  }

  /**
   * One PutItem for a model without index items, otherwise one BatchWriteItem (main + index items).
   * Batch rather than two parallel PutItems: both take one round trip (measured over 300 writes:
   * p50 within noise of each other, ≈1 ms on dynalite, ≈1–3 ms on DynamoDB Local), but a batch is
   * one request instead of two. Either way a failed write throws, so no token is handed out with a
   * missing grant index item. Index items of a previous version are not read and removed (that
   * would cost a read per save): look-ups check that the main item still carries the uid / user
   * code, and a token's grantId never changes. On the authorization and token endpoints the items
   * wait for the end of the request (request-scope.ts); there a code and the session it ends with are
   * saved together, and the code's item notes the session's id (linkCodesToSessions).
   */
  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const expires = typeof expiresIn === 'number' ? { expiresAt: this.seconds() + expiresIn } : {};
    const main: MainItem = {
      ...mainKey(this.model, id),
      model: this.model,
      payload: plain(payload),
      ...expires,
    };
    const pointer = { model: this.model, id, ...expires };
    const { uid, userCode, grantId, accountId } = indexValues(this.model, payload);
    const items: Array<MainItem | IndexItem> = [main];
    if (accountId !== undefined) items.push(this.accountPointer(accountId, id, payload, pointer));
    if (uid !== undefined) items.push({ ...uidIndexKey(uid), ...pointer });
    if (userCode !== undefined) items.push({ ...userCodeIndexKey(userCode), ...pointer });
    if (grantId !== undefined) {
      items.push({
        ...grantIndexKey(grantId, this.model, id),
        ...pointer,
        ...(uid === undefined ? {} : { uid }),
        ...(userCode === undefined ? {} : { userCode }),
      });
    }
    const now = items.filter((item) => !deferWrite(this.doc, this.table, keyOf(item), item));
    if (now.length === 0) {
      if (this.model === 'Session' || GRANT_SOURCES.has(this.model))
        linkCodesToSessions(waitingPuts(this.table));
      return;
    }
    if (now.length === 1) {
      await this.doc.send(new PutCommand({ TableName: this.table, Item: now[0] }));
      return;
    }
    await this.batchWrite(now.map((Item) => ({ PutRequest: { Item } })));
  }

  /** The session's or grant's item in its user's partition (same batch, so no extra request). */
  private accountPointer(
    accountId: string,
    id: string,
    payload: AdapterPayload,
    pointer: Pick<IndexItem, 'model' | 'id' | 'expiresAt'>,
  ): AccountIndexItem {
    if (this.model === 'Grant') {
      const clientId = typeof payload.clientId === 'string' ? { clientId: payload.clientId } : {};
      return { ...accountIndexKey(accountId, 'Grant', id), ...pointer, ...clientId };
    }
    const seen = this.seenFrom();
    return {
      ...accountIndexKey(accountId, 'Session', String(payload.uid)),
      ...pointer,
      seenAt: this.seconds(),
      ...(seen?.ip ? { ip: seen.ip.slice(0, 64) } : {}),
      ...(seen?.userAgent ? { userAgent: seen.userAgent.slice(0, 256) } : {}),
    };
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const item = await this.getLive<MainItem>(mainKey(this.model, id));
    if (item && GRANT_SOURCES.has(this.model)) this.expectGrantReads(item);
    return item?.payload;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const payload = await this.findByIndex(uidIndexKey(uid));
    return payload?.uid === uid ? payload : undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const payload = await this.findByIndex(userCodeIndexKey(userCode));
    return payload?.userCode === userCode ? payload : undefined;
  }

  /**
   * Marks the item consumed with one conditional UpdateItem, so of concurrent redemptions exactly
   * one wins (oidc-provider checks `consumed` and then calls consume, which is not atomic by itself).
   * A loser is a replay: like oidc-provider's own reuse handling (helpers/revoke.js) everything
   * issued from the grant and the Grant itself are revoked (RFC 6749 §4.1.2, RFC 9700 §4.14), then
   * InvalidGrant answers 400 invalid_grant instead of a 500.
   */
  async consume(id: string): Promise<void> {
    const key = mainKey(this.model, id);
    await flushWrites();
    noteWrite(this.table, key);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'SET #payload.#consumed = :now',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#payload.#consumed)',
          ExpressionAttributeNames: { '#payload': 'payload', '#consumed': 'consumed' },
          ExpressionAttributeValues: { ':now': this.seconds() },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      // Expired or not, a replayed item still names its grant: revoke regardless of expiry.
      const item = await this.get<MainItem>(key);
      const grantId = item?.payload.grantId;
      if (typeof grantId === 'string') await this.revokeGrant(grantId);
      throw new errors.InvalidGrant(`${this.model} already consumed`);
    }
  }

  /**
   * Reads the item to learn its index items, then deletes all of them. The uid and user code index
   * items are deleted only while they still point at this id (Session.save destroys the old id of a
   * session whose uid lives on under a new id), and before the main item: a uid index item carries a
   * copy of its session, which must never outlive the session.
   */
  async destroy(id: string): Promise<void> {
    const key = mainKey(this.model, id);
    // Interactions, grants and the like never have index items: one delete, nothing to read first.
    if (!HAS_INDEX_ITEMS.has(this.model)) return this.delete(key);
    const item = await this.get<MainItem>(key);
    if (!item) return;
    const { uid, userCode, grantId, accountId } = indexValues(this.model, item.payload);
    const pointers: Array<Promise<void>> = [];
    if (uid !== undefined) pointers.push(this.deleteIfPointsAt(uidIndexKey(uid), id));
    if (accountId !== undefined && uid !== undefined)
      pointers.push(this.deleteIfPointsAt(accountIndexKey(accountId, 'Session', uid), id));
    if (userCode !== undefined) pointers.push(this.deleteIfPointsAt(userCodeIndexKey(userCode), id));
    await Promise.all(pointers);
    const deletes: Array<Promise<void>> = [this.delete(key)];
    if (grantId !== undefined) deletes.push(this.delete(grantIndexKey(grantId, this.model, id)));
    await Promise.all(deletes);
  }

  /**
   * Deletes every token of the grant, whatever its model (as oidc-provider's memory adapter does):
   * revoking more than asked is the safe side, and the grant is being revoked as a whole anyway.
   */
  async revokeByGrantId(grantId: string): Promise<void> {
    await flushWrites();
    const keys = new Map<string, ItemKey>();
    const add = (key: ItemKey) => keys.set(`${key.pk}\u0000${key.sk}`, key);
    for (const raw of await queryPartition(this.doc, this.table, grantPartition(grantId))) {
      const index = raw as unknown as IndexItem;
      add({ pk: index.pk, sk: index.sk });
      add(mainKeyFromGrantIndex(index.sk));
      if (typeof index.uid === 'string') add(uidIndexKey(index.uid));
      if (typeof index.userCode === 'string') add(userCodeIndexKey(index.userCode));
    }
    for (const key of keys.values()) noteWrite(this.table, key);
    await this.batchWrite([...keys.values()].map((Key) => ({ DeleteRequest: { Key } })));
  }

  /** Everything issued from the grant, and the Grant itself (what a replayed code or refresh token costs). */
  private async revokeGrant(grantId: string): Promise<void> {
    await Promise.all([this.revokeByGrantId(grantId), this.delete(mainKey('Grant', grantId))]);
  }

  /**
   * Redeeming a code or refresh token, oidc-provider reads next, one after the other, the grant, the
   * session (for a token that ends with it: its uid index item, then the session it names) and the
   * account: those reads start now, together. The session's id is the one noted when the code was
   * saved (linkCodesToSessions); should the session have moved to another id since, findByUid reads
   * that one as usual. An expected read only saves a round trip: what is found is checked as always.
   */
  private expectGrantReads(item: MainItem): void {
    const { payload } = item;
    if (typeof payload.grantId === 'string')
      expectRead(this.doc, this.table, mainKey('Grant', payload.grantId));
    if (payload.expiresWithSession === true && typeof payload.sessionUid === 'string') {
      expectRead(this.doc, this.table, uidIndexKey(payload.sessionUid));
      if (typeof item.sessionId === 'string')
        expectRead(this.doc, this.table, mainKey('Session', item.sessionId));
    }
    if (typeof payload.accountId === 'string' && this.accountItem) {
      const { table, key } = this.accountItem(payload.accountId);
      expectRead(this.doc, table, key);
    }
  }

  private async findByIndex(key: ItemKey): Promise<AdapterPayload | undefined> {
    const index = await this.getLive<IndexItem>(key);
    if (!index || index.model !== this.model) return undefined;
    return this.find(index.id);
  }

  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /**
   * Strongly consistent; the item may be expired. An interaction is read twice by some requests
   * (oidc-provider's interactionDetails, then interactionResult): the second read is the first's.
   */
  private async get<T extends ItemKey & { expiresAt?: number }>(key: ItemKey): Promise<T | undefined> {
    const remember = this.model === 'Interaction';
    return (await readItem(this.doc, this.table, key, { remember })) as T | undefined;
  }

  /** Strongly consistent; an expired item (still there because TTL deletes late) counts as absent. */
  private async getLive<T extends ItemKey & { expiresAt?: number }>(key: ItemKey): Promise<T | undefined> {
    const item = await this.get<T>(key);
    if (!item) return undefined;
    if (typeof item.expiresAt === 'number' && item.expiresAt <= this.seconds()) return undefined;
    return item;
  }

  private async delete(key: ItemKey): Promise<void> {
    if (deferWrite(this.doc, this.table, key, null)) return;
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: key }));
  }

  private async deleteIfPointsAt(key: ItemKey, id: string): Promise<void> {
    await flushWrites();
    noteWrite(this.table, key);
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: key,
          ConditionExpression: '#id = :id',
          ExpressionAttributeNames: { '#id': 'id' },
          ExpressionAttributeValues: { ':id': id },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  private batchWrite(requests: WriteRequest[]): Promise<void> {
    return batchWrite(
      this.doc,
      requests.map((request) => ({ table: this.table, request })),
      this.retry,
    );
  }
}

/** For oidc-provider's `adapter` option: `adapter: dynamoOidcAdapterFactory({ doc, tableName })`. */
export function dynamoOidcAdapterFactory(deps: OidcAdapterDeps): AdapterFactory {
  return (name: string) => new DynamoOidcAdapter(name, deps);
}

/** The models whose items can have index items (see indexValues): only these need a read before delete. */
const HAS_INDEX_ITEMS = new Set(['Session', ...GRANT_BOUND]);

/**
 * The index items an item has. `accountId`: sessions of a signed-in user (with a uid) and grants
 * are listed in their user's partition. A grant's entry is not removed with the grant (that would
 * cost a read before every grant delete): readers check that the grant still exists.
 */
function indexValues(
  model: string,
  payload: AdapterPayload,
): { uid?: string; userCode?: string; grantId?: string; accountId?: string } {
  const signedIn = typeof payload.accountId === 'string' && payload.accountId !== '';
  const listed = model === 'Grant' || (model === 'Session' && typeof payload.uid === 'string');
  return {
    ...(signedIn && listed ? { accountId: payload.accountId as string } : {}),
    ...(model === 'Session' && typeof payload.uid === 'string' ? { uid: payload.uid } : {}),
    ...(typeof payload.userCode === 'string' ? { userCode: payload.userCode } : {}),
    ...(GRANT_BOUND.has(model) && typeof payload.grantId === 'string' ? { grantId: payload.grantId } : {}),
  };
}

/** The payload as plain JSON data: drops undefined values (DynamoDB rejects them) at any depth. */
function plain(payload: AdapterPayload): AdapterPayload {
  return JSON.parse(JSON.stringify(payload)) as AdapterPayload;
}

function isConditionFailure(err: unknown): boolean {
  return err instanceof Error && err.name === 'ConditionalCheckFailedException';
}

const keyOf = (item: ItemKey): ItemKey => ({ pk: item.pk, sk: item.sk });

/**
 * At the end of a sign-in, a code and the session it belongs to wait to be written together
 * (request-scope.ts): each waiting code's item notes the id of the waiting session with its
 * `sessionUid` — beside the payload, which stays the library's — so that redeeming the code reads
 * the session along with the grant (expectGrantReads).
 */
function linkCodesToSessions(waiting: Array<Record<string, unknown>>): void {
  const isMain = (item: Record<string, unknown>) =>
    item.sk === '#' && String(item.pk).startsWith(`${String(item.model)}#`);
  const sessions = new Map<unknown, string>();
  for (const item of waiting)
    if (item.model === 'Session' && isMain(item))
      sessions.set((item.payload as AdapterPayload).uid, String(item.pk).slice('Session#'.length));
  for (const item of waiting) {
    if (!GRANT_SOURCES.has(String(item.model)) || !isMain(item)) continue;
    const sessionId = sessions.get((item.payload as AdapterPayload).sessionUid);
    if (sessionId !== undefined) item.sessionId = sessionId;
  }
}
