import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DynamoCall, describeDynamoCall } from '../../bench/dynamo-calls.ts';
import type { TestStore } from './store.ts';

export interface CountingStore {
  /** The endpoint to give Sesame instead of the store's. */
  endpoint: string;
  /** Every call since the last `take`, described (bench/dynamo-calls.ts), and forgotten. */
  take(): DynamoCall[];
  /** Fault injection: every call of this operation is refused (400 ValidationException) until cleared. */
  refuse(op: string | null): void;
  close(): Promise<void>;
}

/**
 * A pass-through proxy in front of a test store that records every DynamoDB call made through it,
 * in order: the count of calls is deterministic, so tests can hold it (test/integration/dynamo-calls).
 */
export async function countingStore(store: TestStore): Promise<CountingStore> {
  const target = new URL(store.endpoint);
  const kinds = new Map(Object.entries(store.tables).map(([kind, name]) => [name, kind]));
  let calls: DynamoCall[] = [];
  let refused: string | null = null;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
      calls.push(describeDynamoCall(op, body.toString(), (name) => kinds.get(name) ?? name));
      if (op === refused) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(
          JSON.stringify({ __type: 'com.amazon.coral.validate#ValidationException', message: 'refused' }),
        );
        return;
      }
      const upstream = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    refuse(op) {
      refused = op;
    },
    take() {
      const taken = calls;
      calls = [];
      return taken;
    },
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
