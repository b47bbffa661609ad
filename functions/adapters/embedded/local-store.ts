import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { waitActive } from '../dynamodb/tables.ts';
import { startEmbeddedStore } from './embedded-store.ts';

/** Where `npm start` keeps its data (git-ignored). */
export const LOCAL_DIR = resolve(process.cwd(), '.sesame');

/** Written by the running server into its data folder: where its store listens, and its identity. */
const STATE_FILE = 'store.json';
/** A table of the store itself (not Sesame's) holding the identity, so a client can check whose store it reached. */
const IDENTITY_TABLE = 'sesame-local-identity';

interface StoreState {
  port: number;
  token: string;
}

export class ForeignStore extends Error {
  override name = 'ForeignStore';
}

/**
 * The embedded store shared by `npm start` and the admin CLI. LevelDB allows one process at a time,
 * so the server owns it, listens on a free loopback port and writes that port with a random token
 * into its data folder (`store.json`); the token is also stored in the store. A CLI run while the
 * server is up reads its own data folder's file and talks to that port only after the store proves
 * it holds the same token, so two checkouts on one machine never touch each other's data. A CLI
 * run while the server is down opens the data folder itself.
 */
export async function openLocalStore(options: { listen: boolean; dir?: string }): Promise<{
  endpoint: string;
  stop(): Promise<void>;
}> {
  const dir = options.dir ?? LOCAL_DIR;
  const state = readState(dir);
  if (state && (await listening(state.port))) {
    const endpoint = `http://127.0.0.1:${state.port}`;
    const ours = await holdsToken(endpoint, state.token);
    if (ours && options.listen) throw new Error(`another "npm start" is already using ${dir}`);
    if (ours) return { endpoint, stop: async () => undefined };
    if (!options.listen)
      throw new ForeignStore(
        `the store listening on port ${state.port} does not belong to ${dir}; refusing to use it (is "npm start" of this checkout running?)`,
      );
    // A stale file from a server that died, its port since taken by something else: start afresh.
  }
  mkdirSync(dir, { recursive: true });
  const store = await startEmbeddedStore({ path: resolve(dir, 'data'), port: 0 });
  if (!options.listen) return store;
  const token = randomUUID();
  try {
    await writeToken(store.endpoint, token);
  } catch (err) {
    await store.stop(); // never leave a store running that nobody can stop
    throw err;
  }
  writeFileSync(
    resolve(dir, STATE_FILE),
    JSON.stringify({ port: Number(new URL(store.endpoint).port), token }),
    {
      mode: 0o600,
    },
  );
  return {
    endpoint: store.endpoint,
    stop: async () => {
      rmSync(resolve(dir, STATE_FILE), { force: true });
      await store.stop();
    },
  };
}

function readState(dir: string): StoreState | null {
  try {
    const parsed = JSON.parse(readFileSync(resolve(dir, STATE_FILE), 'utf8')) as Partial<StoreState>;
    return typeof parsed.port === 'number' && typeof parsed.token === 'string'
      ? { port: parsed.port, token: parsed.token }
      : null;
  } catch {
    return null;
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

function client(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

async function writeToken(endpoint: string, token: string): Promise<void> {
  const db = client(endpoint);
  try {
    await db
      .send(
        new CreateTableCommand({
          TableName: IDENTITY_TABLE,
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      )
      .catch((err: unknown) => {
        if ((err as Error).name !== 'ResourceInUseException') throw err;
      });
    await waitActive(db, IDENTITY_TABLE);
    await db.send(
      new PutItemCommand({ TableName: IDENTITY_TABLE, Item: { id: { S: 'store' }, token: { S: token } } }),
    );
  } finally {
    db.destroy();
  }
}

/** Whether whatever listens at `endpoint` is a store that holds `token`; anything else is not ours. */
async function holdsToken(endpoint: string, token: string): Promise<boolean> {
  const db = client(endpoint);
  try {
    const { Item } = await db.send(
      new GetItemCommand({ TableName: IDENTITY_TABLE, Key: { id: { S: 'store' } }, ConsistentRead: true }),
    );
    return Item?.token?.S === token;
  } catch {
    return false; // no identity table, or no DynamoDB-compatible server at all: not ours
  } finally {
    db.destroy();
  }
}
