import { AsyncLocalStorage } from 'node:async_hooks';
import {
  BatchGetCommand,
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';

/**
 * One HTTP request's DynamoDB work, kept together so that the request makes fewer calls without any
 * call meaning something else (every read stays strongly consistent, every conditional write stays a
 * single conditional write, nothing is shared between requests):
 *
 * - Reads issued in the same turn of the event loop go out as one BatchGetItem (ConsistentRead per
 *   table), instead of one GetItem each.
 * - `expectRead`: a read the request is about to make may be started early, so that it rides with
 *   others; the item is handed to that read, once, and forgotten when the request writes the key.
 * - `remember` reads (the oidc adapter's interactions): a second read of the same item in the same
 *   request, with no write in between, is answered from the first.
 * - `rememberWritten`: after a conditional write that returned the item it left (ALL_NEW), a read of
 *   that item in the same request is answered with it (a sign-in's settled user item, read again by
 *   the resume that now runs in the same request).
 * - Where the request allows it (`bufferWrites`: the authorization and token endpoints), the oidc
 *   adapter's unconditional puts and deletes wait until the request ends — or until it makes a
 *   conditional write or a query, which must see them — and go out as one BatchWriteItem. A read of a
 *   waiting item sees it. They are written before the response leaves: a failed write fails the
 *   request, so no code or token is handed out that was not stored.
 *
 * Outside a request (the CLI, tests of the stores) every call goes straight to DynamoDB.
 */
type Key = { pk: string; sk: string };
type Item = Record<string, unknown>;

interface PendingRead {
  table: string;
  key: Key;
  resolve(item: Item | undefined): void;
  reject(err: unknown): void;
}

interface PendingWrite {
  doc: DynamoDBDocumentClient;
  table: string;
  key: Key;
  /** The item to put, or null to delete the key. */
  put: Item | null;
}

interface Scope {
  bufferWrites: boolean;
  reads: Map<DynamoDBDocumentClient, PendingRead[]>;
  expected: Map<string, Promise<Item | undefined>>;
  remembered: Map<string, Item | undefined>;
  /** Items as this request's own conditional writes left them (ReturnValues ALL_NEW). */
  written: Map<string, Item>;
  writes: Map<string, PendingWrite>;
}

const scopes = new AsyncLocalStorage<Scope>();

/** BatchGetItem takes at most 100 keys, BatchWriteItem 25 requests. */
const READ_LIMIT = 100;
const WRITE_LIMIT = 25;
const ATTEMPTS = 8;
const BASE_DELAY_MS = 25;

const idOf = (table: string, key: Key) => `${table}\u0000${key.pk}\u0000${key.sk}`;
const copy = (item: Item | undefined) => (item === undefined ? undefined : structuredClone(item));

/** Runs one request's work in a scope; its waiting writes are written before this resolves. */
export async function inRequestScope<T>(
  options: { bufferWrites: boolean },
  run: () => Promise<T>,
): Promise<T> {
  const scope: Scope = {
    bufferWrites: options.bufferWrites,
    reads: new Map(),
    expected: new Map(),
    remembered: new Map(),
    written: new Map(),
    writes: new Map(),
  };
  return scopes.run(scope, async () => {
    let result: T;
    try {
      result = await run();
    } catch (err) {
      // What the request wrote before failing is written, as it would have been without waiting.
      await flushWrites().catch(() => undefined);
      throw err;
    }
    await flushWrites();
    return result;
  });
}

/** A strongly consistent read of one item (undefined when absent), through the request's scope. */
export async function readItem(
  doc: DynamoDBDocumentClient,
  table: string,
  key: Key,
  options: { remember?: boolean } = {},
): Promise<Item | undefined> {
  const scope = scopes.getStore();
  if (!scope) return getItem(doc, table, key);
  const id = idOf(table, key);
  const waiting = scope.writes.get(id);
  if (waiting) return copy(waiting.put ?? undefined);
  if (options.remember && scope.remembered.has(id)) return copy(scope.remembered.get(id));
  const written = scope.written.get(id);
  if (written) return copy(written);
  const early = scope.expected.get(id);
  scope.expected.delete(id);
  const item = await (early ?? enqueue(scope, doc, table, key));
  if (options.remember) scope.remembered.set(id, copy(item));
  return item;
}

/** Starts a read this request is about to make, so that it can ride with the request's other reads. */
export function expectRead(doc: DynamoDBDocumentClient, table: string, key: Key): void {
  const scope = scopes.getStore();
  if (!scope) return;
  const id = idOf(table, key);
  if (scope.expected.has(id) || scope.writes.has(id)) return;
  const read = enqueue(scope, doc, table, key);
  read.catch(() => undefined); // an expected read nobody takes must not fail the process
  scope.expected.set(id, read);
}

/**
 * A put (or, `put` null, a delete) of one key that may wait for the end of the request: true when it
 * waits, false when the caller must write it now (no scope, or the request does not wait). Either way
 * earlier reads of the key are forgotten.
 */
export function deferWrite(
  doc: DynamoDBDocumentClient,
  table: string,
  key: Key,
  put: object | null,
): boolean {
  const scope = scopes.getStore();
  if (!scope) return false;
  const id = idOf(table, key);
  forget(scope, id);
  if (!scope.bufferWrites) return false;
  // The item is the caller's to hand over (the oidc adapter builds a fresh one per write).
  scope.writes.set(id, { doc, table, key, put: put as Item | null });
  return true;
}

/** The items waiting to be put into `table` in this request (the live copies, which may be amended). */
export function waitingPuts(table: string): Item[] {
  const scope = scopes.getStore();
  if (!scope) return [];
  return [...scope.writes.values()].flatMap((w) => (w.table === table && w.put ? [w.put] : []));
}

/** Forgets what this request read of a key it is about to write (conditionally, or not waiting). */
export function noteWrite(table: string, key: Key): void {
  const scope = scopes.getStore();
  if (scope) forget(scope, idOf(table, key));
}

function forget(scope: Scope, id: string): void {
  scope.expected.delete(id);
  scope.remembered.delete(id);
  scope.written.delete(id);
}

/**
 * What this request's conditional write of a key returned (ReturnValues ALL_NEW): the item as that
 * write left it, as strongly consistent as a read right after it. A later read of the key in this
 * request is answered with it — unless the request writes the key again (noteWrite, deferWrite).
 */
export function rememberWritten(table: string, key: Key, item: Item): void {
  const scope = scopes.getStore();
  if (!scope) return;
  const id = idOf(table, key);
  forget(scope, id);
  scope.written.set(id, copy(item) as Item);
}

/** Writes what waits, in BatchWriteItems (a conditional write or a query of the request comes next). */
export async function flushWrites(): Promise<void> {
  const scope = scopes.getStore();
  if (!scope || scope.writes.size === 0) return;
  const waiting = [...scope.writes.values()];
  scope.writes.clear();
  const byClient = new Map<DynamoDBDocumentClient, PendingWrite[]>();
  for (const w of waiting) byClient.set(w.doc, [...(byClient.get(w.doc) ?? []), w]);
  for (const [doc, writes] of byClient) {
    const [only] = writes;
    if (writes.length === 1 && only) {
      if (only.put) await doc.send(new PutCommand({ TableName: only.table, Item: only.put }));
      else await doc.send(new DeleteCommand({ TableName: only.table, Key: only.key }));
      continue;
    }
    await batchWrite(
      doc,
      writes.map((w) => ({
        table: w.table,
        request: w.put ? { PutRequest: { Item: w.put } } : { DeleteRequest: { Key: w.key } },
      })),
    );
  }
}

type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

/** BatchWriteItem in chunks of 25; UnprocessedItems are retried with exponential back-off and jitter. */
export async function batchWrite(
  doc: DynamoDBDocumentClient,
  requests: Array<{ table: string; request: WriteRequest }>,
  retry: { attempts?: number; baseDelayMs?: number } = {},
): Promise<void> {
  const attempts = retry.attempts ?? ATTEMPTS;
  const baseDelayMs = retry.baseDelayMs ?? BASE_DELAY_MS;
  for (let i = 0; i < requests.length; i += WRITE_LIMIT) {
    let pending: BatchWriteCommandInput['RequestItems'] = {};
    for (const { table, request } of requests.slice(i, i + WRITE_LIMIT))
      pending[table] = [...(pending[table] ?? []), request];
    for (let attempt = 1; pending && Object.keys(pending).length > 0; attempt++) {
      if (attempt > attempts) {
        const left = Object.values(pending).flat().length;
        throw new Error(`BatchWriteItem: ${left} items still unprocessed`);
      }
      if (attempt > 1) await sleep(baseDelayMs * 2 ** (attempt - 2) * (0.5 + Math.random() / 2));
      const out: BatchWriteCommandOutput = await doc.send(new BatchWriteCommand({ RequestItems: pending }));
      pending = out.UnprocessedItems;
    }
  }
}

async function getItem(doc: DynamoDBDocumentClient, table: string, key: Key): Promise<Item | undefined> {
  const { Item } = await doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
  return Item;
}

/** Queues a read for the end of this turn of the event loop, where it rides with the others. */
function enqueue(
  scope: Scope,
  doc: DynamoDBDocumentClient,
  table: string,
  key: Key,
): Promise<Item | undefined> {
  return new Promise((resolve, reject) => {
    const queued = scope.reads.get(doc);
    if (queued) {
      queued.push({ table, key, resolve, reject });
      return;
    }
    scope.reads.set(doc, [{ table, key, resolve, reject }]);
    setImmediate(() => {
      const reads = scope.reads.get(doc) ?? [];
      scope.reads.delete(doc);
      readAll(doc, reads).catch((err: unknown) => {
        for (const r of reads) r.reject(err);
      });
    });
  });
}

async function readAll(doc: DynamoDBDocumentClient, reads: PendingRead[]): Promise<void> {
  const byId = new Map<string, PendingRead[]>();
  for (const r of reads) byId.set(idOf(r.table, r.key), [...(byId.get(idOf(r.table, r.key)) ?? []), r]);
  // Each reader gets its own object when several asked for one item.
  const answer = (id: string, item: Item | undefined) => {
    for (const [i, r] of (byId.get(id) ?? []).entries()) r.resolve(i === 0 ? item : copy(item));
  };
  const distinct = [...byId.values()].map((rs) => rs[0] as PendingRead);
  if (distinct.length === 1) {
    const [only] = distinct as [PendingRead];
    answer(idOf(only.table, only.key), await getItem(doc, only.table, only.key));
    return;
  }
  for (let i = 0; i < distinct.length; i += READ_LIMIT) {
    const found = await batchGet(doc, distinct.slice(i, i + READ_LIMIT));
    for (const r of distinct.slice(i, i + READ_LIMIT))
      answer(idOf(r.table, r.key), found.get(idOf(r.table, r.key)));
  }
}

/** One BatchGetItem, strongly consistent on every table; UnprocessedKeys are read again. */
async function batchGet(doc: DynamoDBDocumentClient, reads: PendingRead[]): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  let pending: Record<string, { Keys: Key[]; ConsistentRead: true }> | undefined = {};
  for (const { table, key } of reads) {
    const entry: { Keys: Key[]; ConsistentRead: true } = pending[table] ?? { Keys: [], ConsistentRead: true };
    entry.Keys.push(key);
    pending[table] = entry;
  }
  for (let attempt = 1; pending && Object.keys(pending).length > 0; attempt++) {
    if (attempt > ATTEMPTS) throw new Error('BatchGetItem: keys still unprocessed');
    if (attempt > 1) await sleep(BASE_DELAY_MS * 2 ** (attempt - 2) * (0.5 + Math.random() / 2));
    const { Responses, UnprocessedKeys } = await doc.send(new BatchGetCommand({ RequestItems: pending }));
    for (const [table, items] of Object.entries(Responses ?? {}))
      for (const item of items) found.set(idOf(table, { pk: String(item.pk), sk: String(item.sk) }), item);
    pending = UnprocessedKeys as typeof pending;
  }
  return found;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
