import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createDynamo } from '../functions/adapters/dynamodb/client.ts';
import { ensureTables } from '../functions/adapters/dynamodb/tables.ts';
import { createSesame } from '../functions/app.ts';
import { parseConfig } from '../functions/config/config.ts';
import { registerClient } from '../functions/domain/clients.ts';
import { createUser } from '../functions/domain/login.ts';
import { createDynamoParts } from '../functions/idp/parts.ts';
import { serveLambda } from '../functions/local/lambda-http.ts';
import { createLogger } from '../functions/shared/logger.ts';
import { onProfileMessage } from './profiler.ts';

/**
 * Sesame as `npm start` runs it (dynalite in the same process, the Lambda handler behind the local
 * API Gateway bridge), for the benchmark. It counts the DynamoDB operations dynalite serves (and
 * the time dynalite takes to answer them) and reports them over IPC, so the bench can tell how many
 * calls one login makes. Exits when the bench says so or when its IPC channel closes.
 */
const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (o: object) => Server;
const store = dynalite({ createTableMs: 0 });
const counts = new Map<string, number>();
const busyMs = new Map<string, number>();
store.on('request', (req: IncomingMessage, res: ServerResponse) => {
  const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] || 'unknown';
  const t0 = performance.now();
  counts.set(op, (counts.get(op) ?? 0) + 1);
  res.once('finish', () => busyMs.set(op, (busyMs.get(op) ?? 0) + performance.now() - t0));
});
await new Promise<void>((r) => store.listen(0, '127.0.0.1', r));
const endpoint = process.env.BENCH_STORE ?? `http://127.0.0.1:${(store.address() as AddressInfo).port}`;

let handler: Parameters<typeof serveLambda>[0] | undefined;
/** Milliseconds spent inside the Lambda handler since the last reset: the server side of a flow. */
let handlerMs = 0;
const http = await serveLambda(
  async (e, c) => {
    const t0 = performance.now();
    try {
      return await (handler as NonNullable<typeof handler>)(e, c);
    } finally {
      handlerMs += performance.now() - t0;
    }
  },
  { port: 0 },
);
const config = parseConfig({ issuer: http.url, dynamodb: { endpoint, localCredentials: true } });
await ensureTables(createDynamo(config).raw, config);
const parts = createDynamoParts(config, createLogger({ level: 'error' }));
handler = (await createSesame(config, parts)).handler;

const machine = await registerClient(
  parts.deps.clients,
  { clientId: 'bench-m2m', redirectUris: [], clientCredentials: true },
  new Date(),
);
const web = await registerClient(
  parts.deps.clients,
  { clientId: 'bench-web', redirectUris: ['http://127.0.0.1:9/cb'] },
  new Date(),
);
const password = 'a passphrase that is long enough';
await createUser(parts.deps, { email: 'bench@example.com', name: 'Bench', password, actor: 'bench' });

// Every message is answered with the counts (and handler time) so far; 'reset' clears them after answering, 'exit'
// ends the process normally (so that --cpu-prof writes its profile).
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
process.on('message', async (msg: string) => {
  await onProfileMessage(msg);
  process.send?.({ counts: Object.fromEntries(counts), busyMs: Object.fromEntries(busyMs), handlerMs });
  if (msg === 'reset') {
    counts.clear();
    busyMs.clear();
    handlerMs = 0;
  }
  if (msg === 'exit') setImmediate(() => process.exit(0));
});
process.send?.({
  url: http.url,
  node: process.version,
  machine: { id: 'bench-m2m', secret: machine.clientSecret },
  web: { id: 'bench-web', secret: web.clientSecret, redirect: 'http://127.0.0.1:9/cb' },
  user: { email: 'bench@example.com', password },
});
