import { type ChildProcess, execFile, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parseConfig } from '../functions/config/config.ts';
import { bundleEntry, bundleSizes } from '../infra/bundle.ts';
import {
  type FederatedSignIn,
  type FederationResults,
  type FederationTarget,
  federatedApp,
  federatedSignIn,
  registerAtUpstream,
  startBenchUpstream,
  summarize,
} from './federation.ts';
import {
  discoveryRequest,
  jwksRequest,
  LOGIN_STEPS,
  type LoginStep,
  type LoginTimes,
  load,
  login,
  type Request,
  relyingParty,
  type Target,
  tokenRequest,
} from './load.ts';
import {
  authenticatorFor,
  type PasskeyResults,
  type PasskeySignIn,
  passkeySignIn,
  summarizePasskey,
} from './passkey.ts';
import type { Probe } from './probe.ts';
import { type ProfileSummary, summarizeProfile } from './profiler.ts';
import { type CallCount, formatTable, targetsOf } from './report.ts';

export { formatTable };

/**
 * `npm run bench`: Sesame against two bare oidc-providers measured in the same run, on this
 * machine — one on the library's in-memory adapter (a ceiling), one on Sesame's own DynamoDB adapter
 * over the same embedded store (the fair baseline; bare-provider.ts). Servers run in child processes
 * (one each) and report their own CPU time and DynamoDB calls (probe.ts); the load comes from this
 * process. Every figure is a median; only ratios within one run are meant to be compared.
 *
 *   npm run bench                  the full run, writes bench/results.json
 *   npm run bench -- --profile     plus one CPU-profiled token round per server, top costs printed
 *   BENCH_SECONDS=2 npm run bench  shorter load rounds
 */
export interface BenchOptions {
  /** Length of one measured load round per server. */
  seconds: number;
  warmupSeconds: number;
  /** Rounds per server, alternating between the servers; the median is reported. */
  rounds: number;
  /** Requests in flight from the load generator (keep-alive fetch). */
  concurrency: number;
  /** Code flows per server, interleaved between the servers. */
  logins: number;
  /** Federated sign-ins through the Entra-like mock, of each kind (first, returning). */
  federatedSignIns: number;
  coldStartSamples: number;
  /** When set, one more token round per server runs under the CPU profiler; profiles go here. */
  profileDir?: string;
  log?: (line: string) => void;
}

export const DEFAULTS: BenchOptions = {
  seconds: 2,
  warmupSeconds: 1,
  rounds: 5,
  concurrency: 16,
  logins: 15,
  federatedSignIns: 15,
  coldStartSamples: 9,
};

export const SERVERS = ['sesame', 'bareStore', 'bareMemory'] as const;
export type ServerName = (typeof SERVERS)[number];
export type PerServer<T> = Record<ServerName, T>;

/** One endpoint under load, one server: medians over the rounds. */
export interface Throughput {
  reqPerSec: number;
  rounds: number[];
  /** CPU time of the server process per request, microseconds (median over the rounds). */
  cpuUsPerRequest: number;
  cpuRounds: number[];
  p50Ms: number;
  p95Ms: number;
  dynamoCallsPerRequest: number;
}

export interface LoginFigures {
  /** Wall clock at the app, authorization request → code redemption. */
  medianMs: number;
  /** The same flows, time inside the Lambda handler only (no HTTP, no client work). */
  handlerMedianMs: number;
  /** The argon2 verify of each flow, timed in the server (bench/probe.ts). */
  verifyMedianMs: number;
  /** Inside the handler minus that flow's own verify: the login's cost beside the password hash. */
  overVerifyMedianMs: number;
  /** The same, flow by flow (the servers' flows are interleaved: flow i of each ran side by side). */
  overVerifyMs: number[];
  /** CPU time of the server process per flow (argon2's thread included). */
  cpuMedianMs: number;
  stepsMedianMs: LoginTimes;
  /** The DynamoDB calls of one flow, step by step, each listed (table, operation, key shape). */
  dynamoCalls: Record<LoginStep, CallCount & { calls: string[] }> & { total: number };
}

export interface BenchResults {
  node: string;
  token: PerServer<Throughput>;
  discovery: PerServer<Throughput>;
  jwks: PerServer<Throughput>;
  login: PerServer<LoginFigures> & {
    argon2Params: { memoryCost: number; timeCost: number; parallelism: number };
  };
  /** Sesame's, as the targets name them: the login form POST and the whole code flow. */
  dynamoCalls: { passwordPost: CallCount; fullCodeFlow: CallCount };
  /** A sign-in through an Entra-like upstream (bench/federation.ts), Sesame only. */
  federation: FederationResults;
  /** A passwordless passkey sign-in (bench/passkey.ts), Sesame only. */
  passkey: PasskeyResults;
  coldStart: ColdStart;
  targets: Array<{ measure: string; value: string; target: string; pass: boolean }>;
  profile?: PerServer<ProfileSummary> & { files: string[] };
}

/** The bundled idp (infra/bundle.ts) started in fresh processes, and what of it a start reads. */
export interface ColdStart {
  /** Wall time of `import('index.mjs')` (the handler module and everything it loads), median. */
  importMedianMs: number;
  samplesMs: number[];
  importCpuMedianMs: number;
  /**
   * index.mjs and the chunks it imports statically, by esbuild's metafile: the JavaScript every cold
   * start reads and compiles (issue #14's 1 MB target).
   */
  loadedBytes: number;
  loadedFiles: number;
  /** What one import of index.mjs did read of the asset's JavaScript, seen by a module hook. */
  importReadBytes: number;
  /** The whole asset's JavaScript, with the chunks loaded at their first use (`import()`). */
  assetBytes: number;
  assetFiles: number;
}

interface Server {
  child: ChildProcess;
  target: Target;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const sum = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
const round1 = (n: number) => Math.round(n * 10) / 10;

function start(
  script: string,
  children: ChildProcess[],
  stderr: 'inherit' | 'ignore',
  env: Record<string, string> = {},
): Promise<Server> {
  const child = fork(join(import.meta.dirname, script), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', stderr, 'ipc'],
    env: { ...process.env, ...env },
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('message', (target) => resolve({ child, target: target as Target }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
}

/** Sends a command to a bench server and waits for its answer (its counters so far, probe.ts). */
function ask(server: Server, msg: string): Promise<Probe> {
  return new Promise((resolve) => {
    server.child.once('message', (m) => resolve(m as Probe));
    server.child.send(msg);
  });
}

/** Ends a bench server: asks it to exit, kills it if it does not within a second. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  if (child.connected) child.send('exit');
  const timer = setTimeout(() => child.kill('SIGKILL'), 1000);
  await exited;
  clearTimeout(timer);
}

/** Load rounds of one request kind, alternating between the servers; CPU and calls read from each. */
async function throughput(
  servers: PerServer<Server>,
  request: (t: Target) => Request,
  o: BenchOptions,
  /** Share of `seconds` (and of the warm-up) a round of this kind lasts. */
  share = 1,
): Promise<PerServer<Throughput>> {
  for (const name of SERVERS)
    await load(request(servers[name].target), o.warmupSeconds * share, o.concurrency);
  const samples = Object.fromEntries(
    SERVERS.map((n) => [
      n,
      [] as Array<{ rate: number; cpuUs: number; p50: number; p95: number; calls: number }>,
    ]),
  ) as unknown as PerServer<Array<{ rate: number; cpuUs: number; p50: number; p95: number; calls: number }>>;
  for (let i = 0; i < o.rounds; i++) {
    for (const name of SERVERS) {
      const server = servers[name];
      await ask(server, 'reset');
      const r = await load(request(server.target), o.seconds * share, o.concurrency);
      const probe = await ask(server, 'read');
      samples[name].push({
        rate: r.rate,
        cpuUs: (probe.cpuMs * 1000) / r.ok,
        p50: r.p50Ms,
        p95: r.p95Ms,
        calls: sum(probe.counts) / r.ok,
      });
    }
  }
  const figures = (s: (typeof samples)[ServerName]): Throughput => ({
    reqPerSec: Math.round(median(s.map((x) => x.rate))),
    rounds: s.map((x) => Math.round(x.rate)),
    cpuUsPerRequest: Math.round(median(s.map((x) => x.cpuUs))),
    cpuRounds: s.map((x) => Math.round(x.cpuUs)),
    p50Ms: round1(median(s.map((x) => x.p50))),
    p95Ms: round1(median(s.map((x) => x.p95))),
    dynamoCallsPerRequest: Math.round(median(s.map((x) => x.calls)) * 100) / 100,
  });
  return {
    sesame: figures(samples.sesame),
    bareStore: figures(samples.bareStore),
    bareMemory: figures(samples.bareMemory),
  };
}

const calls = (counts: Record<string, number>, busyMs: Record<string, number>): CallCount => ({
  total: sum(counts),
  byOperation: counts,
  dynaliteMs: round1(sum(busyMs)),
});

/** One sign-in with the server's counters read after every step: the calls of each step, listed. */
async function countedLogin(server: Server): Promise<LoginFigures['dynamoCalls']> {
  const config = await relyingParty(server.target);
  await ask(server, 'reset');
  let before = await ask(server, 'read');
  const steps = {} as Record<LoginStep, CallCount & { calls: string[] }>;
  await login(config, server.target, async (step) => {
    const after = await ask(server, 'read');
    const minus = (a: Record<string, number>, b: Record<string, number>) =>
      Object.fromEntries(
        Object.entries(b)
          .map(([k, v]): [string, number] => [k, v - (a[k] ?? 0)])
          .filter(([, v]) => v > 0),
      );
    steps[step] = {
      ...calls(minus(before.counts, after.counts), minus(before.busyMs, after.busyMs)),
      calls: after.calls.slice(before.calls.length).map((c) => `${c.table} ${c.op} ${c.key}`),
    };
    before = after;
  });
  return { ...steps, total: LOGIN_STEPS.reduce((n, s) => n + steps[s].total, 0) };
}

/** Code flows through each server's login form, interleaved, and one argon2 verify measured here. */
async function logins(servers: PerServer<Server>, o: BenchOptions): Promise<BenchResults['login']> {
  const configs = {} as PerServer<Awaited<ReturnType<typeof relyingParty>>>;
  for (const name of SERVERS) {
    configs[name] = await relyingParty(servers[name].target);
    // Warm-up: first-use costs (templates, dummy hash, caches) are not the median.
    await login(configs[name], servers[name].target);
  }
  const runs = Object.fromEntries(SERVERS.map((n) => [n, []])) as unknown as PerServer<
    Array<{ times: LoginTimes; handlerMs: number; verifyMs: number; cpuMs: number }>
  >;
  for (let i = 0; i < o.logins; i++) {
    for (const name of SERVERS) {
      await ask(servers[name], 'reset');
      const times = await login(configs[name], servers[name].target);
      const probe = await ask(servers[name], 'read');
      const { handlerMs, verifyMs, cpuMs } = probe;
      runs[name].push({ times, handlerMs, verifyMs, cpuMs });
    }
  }
  const figures = async (name: ServerName): Promise<LoginFigures> => {
    const r = runs[name];
    const step = (k: LoginStep) => round1(median(r.map((x) => x.times[k])));
    return {
      medianMs: round1(median(r.map((x) => LOGIN_STEPS.reduce((n, s) => n + x.times[s], 0)))),
      handlerMedianMs: round1(median(r.map((x) => x.handlerMs))),
      verifyMedianMs: round1(median(r.map((x) => x.verifyMs))),
      overVerifyMedianMs: round1(median(r.map((x) => x.handlerMs - x.verifyMs))),
      overVerifyMs: r.map((x) => round1(x.handlerMs - x.verifyMs)),
      cpuMedianMs: round1(median(r.map((x) => x.cpuMs))),
      stepsMedianMs: Object.fromEntries(LOGIN_STEPS.map((s) => [s, step(s)])) as LoginTimes,
      dynamoCalls: await countedLogin(servers[name]),
    };
  };
  return {
    sesame: await figures('sesame'),
    bareStore: await figures('bareStore'),
    bareMemory: await figures('bareMemory'),
    argon2Params: parseConfig({ issuer: 'http://localhost' }).argon2,
  };
}

/** Federated sign-ins through the Entra-like mock: first (just-in-time user) and returning. */
async function federation(
  sesame: Server,
  upstream: Awaited<ReturnType<typeof startBenchUpstream>>,
  o: BenchOptions,
): Promise<FederationResults> {
  const fed = sesame.target.federation as FederationTarget;
  registerAtUpstream(upstream.mock, fed);
  const app = await federatedApp(sesame.target.url, fed);
  const signIn = (who: string) => federatedSignIn(app, fed, upstream.mock, who, (m) => ask(sesame, m));
  // Warm-up: discovery and JWKS are fetched once per container, templates compiled, caches filled.
  await signIn('fed-warm@bench.example');
  await signIn('fed-warm@bench.example');
  const runs: Array<{ jit: FederatedSignIn; returning: FederatedSignIn }> = [];
  for (let i = 0; i < o.federatedSignIns; i++) {
    const who = `fed-${i}@bench.example`;
    const jit = await signIn(who);
    runs.push({ jit, returning: await signIn(who) });
  }
  return summarize(runs);
}

/** Passwordless sign-ins with the bench user's passkey (bench/passkey.ts), after one warm-up. */
async function passkeySignIns(sesame: Server, o: BenchOptions): Promise<PasskeyResults> {
  const target = sesame.target.passkey;
  if (!target) throw new Error('bench: the Sesame server set up no passkey user');
  const app = await relyingParty(sesame.target);
  const key = authenticatorFor(target);
  const signIn = () => passkeySignIn(app, key, (m) => ask(sesame, m));
  await signIn();
  const runs: PasskeySignIn[] = [];
  for (let i = 0; i < o.logins; i++) runs.push(await signIn());
  return summarizePasskey(runs);
}

const run = promisify(execFile);

async function coldStart(samples: number): Promise<ColdStart> {
  const dir = mkdtempSync(join(tmpdir(), 'sesame-bundle-'));
  try {
    // The CDK asset (infra/bundle.ts), for this machine's architecture.
    const metafile = bundleEntry('idp', dir, process.arch === 'arm64' ? 'arm64' : 'x64');
    const sizes = bundleSizes(metafile, dir);
    const file = join(dir, 'index.mjs');
    const env = { ...process.env, SESAME_ISSUER: 'https://id.example.com' };
    const samplesMs: number[] = [];
    const cpuMs: number[] = [];
    for (let i = 0; i < samples; i++) {
      // Wall time of the import, and the CPU time the process spent on it (steadier on a busy machine).
      const script = `const c=process.cpuUsage();const t=process.hrtime.bigint();await import(${JSON.stringify(file)});const u=process.cpuUsage(c);console.log(Number(process.hrtime.bigint()-t)/1e6,(u.user+u.system)/1000)`;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env });
      const [wall = Number.NaN, cpu = Number.NaN] = stdout.trim().split(' ').map(Number);
      samplesMs.push(round1(wall));
      cpuMs.push(round1(cpu));
    }
    // Once more, untimed, under a module hook that notes every .mjs file of the asset the import reads.
    const prefix = JSON.stringify(pathToFileURL(`${dir}/`).href);
    const watched = `import{registerHooks}from'node:module';const read=[];registerHooks({load(u,c,n){if(u.startsWith(${prefix})&&u.endsWith('.mjs'))read.push(u.slice(${prefix}.length));return n(u,c)}});await import(${JSON.stringify(file)});console.log(JSON.stringify(read))`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', watched], { env });
    const read = JSON.parse(stdout) as string[];
    return {
      importMedianMs: median(samplesMs),
      samplesMs,
      importCpuMedianMs: median(cpuMs),
      loadedBytes: sizes.coldStart.bytes,
      loadedFiles: sizes.coldStart.files.length,
      importReadBytes: read.reduce((n, f) => n + statSync(join(dir, f)).size, 0),
      assetBytes: sizes.total.bytes,
      assetFiles: sizes.total.files,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runBench(options: Partial<BenchOptions> = {}): Promise<BenchResults> {
  const o = { ...DEFAULTS, ...options };
  const log = o.log ?? (() => undefined);
  const children: ChildProcess[] = [];
  // Should this process die abruptly, its servers go too (they also exit when IPC disconnects).
  const killAll = () => {
    for (const c of children) c.kill('SIGKILL');
  };
  process.once('exit', killAll);
  // The federated sign-in's upstream lives in this process, like the browser and the app.
  const upstream = await startBenchUpstream();
  try {
    const [bareMemory, bareStore, sesame] = await Promise.all([
      // The bare providers' stderr only carries the library's development-defaults warnings.
      start('bare-provider.ts', children, 'ignore', { BENCH_BARE_STORE: 'memory' }),
      start('bare-provider.ts', children, 'ignore', { BENCH_BARE_STORE: 'dynamo' }),
      start('sesame-server.ts', children, 'inherit', upstream.env),
    ]);
    const servers: PerServer<Server> = { sesame, bareStore, bareMemory };

    log(`token endpoint: ${o.rounds} × ${o.seconds} s per server…`);
    const token = await throughput(servers, tokenRequest, o);
    log(`discovery and JWKS: ${o.rounds} × ${o.seconds / 2} s per server each…`);
    const discovery = await throughput(servers, discoveryRequest, o, 0.5);
    const jwks = await throughput(servers, jwksRequest, o, 0.5);

    log(`password login: ${o.logins} code flows per server…`);
    const signIns = await logins(servers, o);
    const flow = signIns.sesame.dynamoCalls;
    const byOperation: Record<string, number> = {};
    for (const s of LOGIN_STEPS)
      for (const [op, n] of Object.entries(flow[s].byOperation)) byOperation[op] = (byOperation[op] ?? 0) + n;
    const dynamoCalls = {
      passwordPost: {
        total: flow.loginPost.total,
        byOperation: flow.loginPost.byOperation,
        dynaliteMs: flow.loginPost.dynaliteMs,
      },
      fullCodeFlow: {
        total: flow.total,
        byOperation,
        dynaliteMs: round1(LOGIN_STEPS.reduce((n, s) => n + flow[s].dynaliteMs, 0)),
      },
    };

    log(`federated sign-in: ${o.federatedSignIns} first and ${o.federatedSignIns} returning…`);
    const fed = await federation(sesame, upstream, o);

    log(`passkey sign-in: ${o.logins} passwordless code flows…`);
    const passkeys = await passkeySignIns(sesame, o);

    let profile: BenchResults['profile'];
    if (o.profileDir) {
      log('profiling one token round per server…');
      mkdirSync(o.profileDir, { recursive: true });
      const files: string[] = [];
      const summaries = {} as PerServer<ProfileSummary>;
      for (const name of SERVERS) {
        const file = join(o.profileDir, `${name}.cpuprofile`);
        await ask(servers[name], 'profile-start');
        await load(tokenRequest(servers[name].target), o.seconds, o.concurrency);
        await ask(servers[name], `profile-stop:${file}`);
        files.push(file);
        summaries[name] = summarizeProfile(file);
      }
      profile = { ...summaries, files };
    }
    await Promise.all(children.map(stop));

    log(`cold start: bundling, ${o.coldStartSamples} fresh imports…`);
    const cold = await coldStart(o.coldStartSamples);

    const results: Omit<BenchResults, 'targets'> = {
      node: sesame.target.node,
      token,
      discovery,
      jwks,
      login: signIns,
      dynamoCalls,
      federation: fed,
      passkey: passkeys,
      coldStart: cold,
      ...(profile ? { profile } : {}),
    };
    return { ...results, targets: targetsOf(results) };
  } finally {
    await Promise.allSettled([...children.map(stop), upstream.mock.close()]);
    process.off('exit', killAll);
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const seconds = Number(process.env.BENCH_SECONDS ?? DEFAULTS.seconds);
  const results = await runBench({
    seconds,
    ...(argv.includes('--profile') ? { profileDir: mkdtempSync(join(tmpdir(), 'sesame-profile-')) } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  console.log(formatTable(results));
  const { profile: _profile, ...kept } = results;
  const file = join(import.meta.dirname, 'results.json');
  writeFileSync(file, `${JSON.stringify(kept, null, 2)}\n`);
  // Laid out as the formatter (biome) lays out JSON, so `npm run lint` passes on a fresh result.
  await run(join(import.meta.dirname, '../node_modules/.bin/biome'), ['format', '--write', file]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
