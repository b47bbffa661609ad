import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import argon2 from 'argon2';
import type { HttpApiHandler } from '../functions/http/lambda.ts';
import { type DynamoCall, describeDynamoCall } from './dynamo-calls.ts';
import { onProfileMessage } from './profiler.ts';

/**
 * What every bench server measures about itself and answers each IPC message with (see `answer`):
 * the DynamoDB calls its embedded store served, the time spent inside its Lambda handler, and the
 * CPU time of the whole process (handler, HTTP server and, in-process, the store), all since the
 * last 'reset'.
 */
export interface Probe {
  counts: Record<string, number>;
  busyMs: Record<string, number>;
  handlerMs: number;
  /** Time spent in argon2 verifications (every one this process made), within handlerMs. */
  verifyMs: number;
  calls: DynamoCall[];
  /** User + system CPU time of the server process (every thread: argon2 runs in libuv's pool). */
  cpuMs: number;
  upstreamMs: number;
  upstreamRequests: number;
}

const counts = new Map<string, number>();
const busyMs = new Map<string, number>();
/** The first calls since the last reset, described (dynamo-calls.ts); enough for one sign-in. */
const calls: DynamoCall[] = [];
const MAX_CALLS = 500;
const tableKinds = new Map<string, string>();
let handlerMs = 0;
let verifyMs = 0;
// Both servers verify passwords through the argon2 module's `verify` (Sesame in
// functions/domain/password-hash.ts): timed here, so "login minus one verify" subtracts the verify
// this very process made, not one measured elsewhere.
const verify = argon2.verify;
argon2.verify = async (...args: Parameters<typeof verify>) => {
  const t0 = performance.now();
  try {
    return await verify(...args);
  } finally {
    verifyMs += performance.now() - t0;
  }
};
let cpuMark = process.cpuUsage();
/** Extra figures a server adds to every answer (the federation upstream's time), and their reset. */
export interface ExtraFigures {
  read(): Partial<Probe>;
  reset(): void;
}
let extra: ExtraFigures = { read: () => ({}), reset: () => undefined };

/**
 * dynalite (the store `npm start` embeds) in this process, counting and describing every request it
 * serves. `BENCH_STORE` points the server at another store instead (then nothing is counted).
 */
export async function startCountingStore(): Promise<{ endpoint: string }> {
  const require = createRequire(import.meta.url);
  const dynalite = require('dynalite') as (o: object) => Server;
  const store = dynalite({ createTableMs: 0 });
  store.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] || 'unknown';
    const t0 = performance.now();
    counts.set(op, (counts.get(op) ?? 0) + 1);
    res.once('finish', () => busyMs.set(op, (busyMs.get(op) ?? 0) + performance.now() - t0));
    if (calls.length >= MAX_CALLS) return;
    // dynalite reads the body with 'data' listeners too: both get every chunk.
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      const kind = (name: string) => tableKinds.get(name) ?? name;
      if (calls.length < MAX_CALLS)
        calls.push(describeDynamoCall(op, Buffer.concat(chunks).toString(), kind));
    });
  });
  await new Promise<void>((r) => store.listen(0, '127.0.0.1', r));
  return { endpoint: process.env.BENCH_STORE ?? `http://127.0.0.1:${(store.address() as AddressInfo).port}` };
}

/** Names the tables by kind (oidc, directory, audit) in the described calls. */
export function nameTables(tables: Record<string, string>): void {
  for (const [kind, name] of Object.entries(tables)) tableKinds.set(name, kind);
}

/** The handler, with the time spent inside it added up (the server side of a flow). */
export function timed(handler: () => HttpApiHandler | undefined): HttpApiHandler {
  return async (e, c) => {
    const t0 = performance.now();
    try {
      return await (handler() as HttpApiHandler)(e, c);
    } finally {
      handlerMs += performance.now() - t0;
    }
  };
}

function snapshot(): Probe {
  const cpu = process.cpuUsage(cpuMark);
  return {
    counts: Object.fromEntries(counts),
    busyMs: Object.fromEntries(busyMs),
    handlerMs,
    verifyMs,
    calls: [...calls],
    cpuMs: (cpu.user + cpu.system) / 1000,
    upstreamMs: 0,
    upstreamRequests: 0,
    ...extra.read(),
  };
}

/**
 * Answers the bench over IPC: every message gets the figures so far; 'reset' clears them after
 * answering, 'exit' ends the process normally (so that --cpu-prof writes its profile). The process
 * also exits when its IPC channel closes.
 */
export function answerProbes(more?: ExtraFigures): void {
  if (more) extra = more;
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
  process.on('message', async (msg: string) => {
    await onProfileMessage(msg);
    process.send?.(snapshot());
    if (msg === 'reset') {
      counts.clear();
      busyMs.clear();
      calls.length = 0;
      handlerMs = 0;
      verifyMs = 0;
      extra.reset();
      cpuMark = process.cpuUsage();
    }
    if (msg === 'exit') setImmediate(() => process.exit(0));
  });
}
