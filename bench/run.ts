import { type ChildProcess, execFile, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as oidc from 'openid-client';
import { FormClient, findForm } from '../functions/cli/form-client.ts';
import { parseConfig } from '../functions/config/config.ts';
import { hashPassword, verifyPassword } from '../functions/domain/password-hash.ts';
import { bundleAll } from '../infra/bundle.ts';
import {
  type FederatedSignIn,
  type FederationResults,
  type FederationTarget,
  federatedApp,
  federatedSignIn,
  type Probe,
  registerAtUpstream,
  startBenchUpstream,
  summarize,
} from './federation.ts';

/**
 * `npm run bench`: Sesame against a bare oidc-provider measured in the same run, on this machine.
 * Servers run in child processes (one each), the load comes from this process. Every figure is a
 * median; only ratios are meant to be compared across machines. This is a report, not a test.
 *
 *   npm run bench                  the full run (one to two minutes), writes bench/results.json
 *   npm run bench -- --profile     plus one CPU-profiled token round per server, top costs printed
 *   BENCH_SECONDS=2 npm run bench  shorter load rounds
 */
export interface BenchOptions {
  /** Length of one measured load round per server. */
  seconds: number;
  warmupSeconds: number;
  /** Rounds per server, alternating bare / Sesame; the median is reported. */
  rounds: number;
  /** Requests in flight from the load generator (keep-alive fetch). */
  concurrency: number;
  logins: number;
  /** Federated sign-ins through the Entra-like mock, of each kind (first, returning). */
  federatedSignIns: number;
  argon2Samples: number;
  coldStartSamples: number;
  /** When set, one more token round per server runs under the CPU profiler; profiles go here. */
  profileDir?: string;
  log?: (line: string) => void;
}

export const DEFAULTS: BenchOptions = {
  seconds: 5,
  warmupSeconds: 2,
  rounds: 3,
  concurrency: 16,
  logins: 21,
  federatedSignIns: 15,
  argon2Samples: 21,
  coldStartSamples: 5,
};

type Counts = Record<string, number>;

export interface BenchResults {
  node: string;
  tokenRequestsPerSecond: {
    sesame: number;
    bare: number;
    ratio: number;
    rounds: { sesame: number[]; bare: number[] };
    /** DynamoDB requests per Sesame token request, over the last round. */
    sesameDynamoCallsPerRequest: number;
  };
  login: {
    /** Wall clock at the app: authorization request → login form POST → code redemption. */
    medianMs: number;
    /** The same flows, time spent inside the Lambda handler only (no HTTP, no client work). */
    handlerMedianMs: number;
    argon2VerifyMedianMs: number;
    overArgon2Ms: number;
    handlerOverArgon2Ms: number;
    argon2Params: { memoryCost: number; timeCost: number; parallelism: number };
    /** Median per step, from the RP's (and browser's) side. */
    stepsMedianMs: {
      authorizeToLoginPage: number;
      loginPost: number;
      resumeToCallback: number;
      codeRedemption: number;
    };
  };
  dynamoCalls: {
    passwordPost: { total: number; byOperation: Counts; dynaliteMs: number };
    fullCodeFlow: { total: number; byOperation: Counts; dynaliteMs: number };
  };
  /** A sign-in through an Entra-like upstream (bench/federation.ts). */
  federation: FederationResults;
  coldStart: { importMedianMs: number; samplesMs: number[]; bundleBytes: number };
  profile?: { sesame: ProfileSummary; bare: ProfileSummary; files: string[] };
}

interface Target {
  url: string;
  node: string;
  machine: { id: string; secret: string };
  web?: { id: string; secret: string; redirect: string };
  user?: { email: string; password: string };
  federation?: FederationTarget;
}

interface Server {
  child: ChildProcess;
  target: Target;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const sum = (c: Counts) => Object.values(c).reduce((a, b) => a + b, 0);
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

/** Sends a command to a bench server and waits for its answer (the DynamoDB counts so far). */
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

/** Fixed-concurrency client_credentials requests for `seconds`; returns successful requests per second. */
async function tokenRate(
  t: Target,
  seconds: number,
  concurrency: number,
): Promise<{ rate: number; ok: number }> {
  const auth = `Basic ${Buffer.from(`${t.machine.id}:${t.machine.secret}`).toString('base64')}`;
  const headers = { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' };
  const body = 'grant_type=client_credentials';
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let ok = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const res = await fetch(`${t.url}/token`, { method: 'POST', headers, body });
        await res.arrayBuffer();
        if (res.status === 200) ok++;
        else failed++;
      }
    }),
  );
  if (failed > 0) throw new Error(`token endpoint of ${t.url}: ${failed} of ${ok + failed} requests failed`);
  return { rate: ok / ((performance.now() - t0) / 1000), ok };
}

interface LoginTimes {
  authorizeToLoginPage: number;
  loginPost: number;
  resumeToCallback: number;
  codeRedemption: number;
}

/** One full code + PKCE sign-in through the login form, as an app and a browser would do it. */
async function login(
  config: oidc.Configuration,
  t: Target,
  around?: { beforePost(): Promise<void>; afterPost(): Promise<void> },
): Promise<LoginTimes> {
  const web = t.web as NonNullable<Target['web']>;
  const user = t.user as NonNullable<Target['user']>;
  const t0 = performance.now();
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: web.redirect,
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const browser = new FormClient();
  const page = await browser.follow(url.href, {}, web.redirect);
  const form = findForm(page.html, '/login');
  await around?.beforePost();
  const t1 = performance.now();
  // The password step alone: the login form POST, without following its redirect.
  const posted = await browser.request(new URL(form.action, page.url).href, {
    method: 'POST',
    body: new URLSearchParams({ ...form.hidden, email: user.email, password: user.password }),
  });
  await posted.arrayBuffer();
  const t2 = performance.now();
  await around?.afterPost();
  const next = new URL(posted.headers.get('location') ?? '', page.url).href;
  const callback = await browser.follow(next, {}, web.redirect);
  if (!callback.url.startsWith(web.redirect)) throw new Error(`bench login failed (status ${posted.status})`);
  const t3 = performance.now();
  await oidc.authorizationCodeGrant(config, new URL(callback.url), {
    pkceCodeVerifier: verifier,
    idTokenExpected: true,
  });
  const t4 = performance.now();
  return {
    authorizeToLoginPage: t1 - t0,
    loginPost: t2 - t1,
    resumeToCallback: t3 - t2,
    codeRedemption: t4 - t3,
  };
}

const run = promisify(execFile);

async function coldStart(samples: number): Promise<BenchResults['coldStart']> {
  const out = mkdtempSync(join(tmpdir(), 'sesame-bundle-'));
  try {
    // The same esbuild options as the CDK asset (infra/bundling.ts), for this machine's architecture.
    const dirs = await bundleAll(process.arch === 'arm64' ? 'arm64' : 'x64', out);
    const file = join(dirs.idp as string, 'index.mjs');
    const samplesMs: number[] = [];
    for (let i = 0; i < samples; i++) {
      const script = `const t=process.hrtime.bigint();await import(${JSON.stringify(file)});console.log(Number(process.hrtime.bigint()-t)/1e6)`;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, SESAME_ISSUER: 'https://id.example.com' },
      });
      samplesMs.push(round1(Number(stdout.trim())));
    }
    return { importMedianMs: median(samplesMs), samplesMs, bundleBytes: statSync(file).size };
  } finally {
    rmSync(out, { recursive: true, force: true });
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
    const [bare, sesame] = await Promise.all([
      // The bare provider's stderr only carries its development-defaults warnings.
      start('bare-provider.ts', children, 'ignore'),
      start('sesame-server.ts', children, 'inherit', upstream.env),
    ]);

    // 1. Token endpoint throughput, alternating bare / Sesame.
    log(`token endpoint: ${o.warmupSeconds} s warm-up, ${o.rounds} × ${o.seconds} s per server…`);
    await tokenRate(bare.target, o.warmupSeconds, o.concurrency);
    await tokenRate(sesame.target, o.warmupSeconds, o.concurrency);
    const rounds = { sesame: [] as number[], bare: [] as number[] };
    let callsPerToken = 0;
    for (let i = 0; i < o.rounds; i++) {
      rounds.bare.push(Math.round((await tokenRate(bare.target, o.seconds, o.concurrency)).rate));
      await ask(sesame, 'reset');
      const r = await tokenRate(sesame.target, o.seconds, o.concurrency);
      rounds.sesame.push(Math.round(r.rate));
      callsPerToken = Math.round((sum((await ask(sesame, 'read')).counts) / r.ok) * 100) / 100;
    }
    const tokens = { sesame: median(rounds.sesame), bare: median(rounds.bare) };

    // 2. Password logins against one argon2 verify at the configured cost.
    log(`password login: ${o.logins} code flows, ${o.argon2Samples} argon2 verifies…`);
    const t = sesame.target;
    const web = t.web as NonNullable<Target['web']>;
    const rp = await oidc.discovery(new URL(t.url), web.id, web.secret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    await login(rp, t); // warm-up: first-use costs (templates, dummy hash, caches) are not the median
    const logins: LoginTimes[] = [];
    const handlerMs: number[] = [];
    for (let i = 0; i < o.logins; i++) {
      await ask(sesame, 'reset');
      logins.push(await login(rp, t));
      handlerMs.push((await ask(sesame, 'read')).handlerMs);
    }
    const total = (l: LoginTimes) =>
      l.authorizeToLoginPage + l.loginPost + l.resumeToCallback + l.codeRedemption;
    const step = (k: keyof LoginTimes) => round1(median(logins.map((l) => l[k])));
    const argon2Params = parseConfig({ issuer: 'http://localhost' }).argon2;
    const hash = await hashPassword('bench passphrase', argon2Params);
    const verifies: number[] = [];
    for (let i = 0; i < o.argon2Samples; i++) {
      const t0 = performance.now();
      await verifyPassword(hash, 'bench passphrase');
      verifies.push(performance.now() - t0);
    }
    const loginMedian = round1(median(logins.map(total)));
    const verifyMedian = round1(median(verifies));
    const handlerMedian = round1(median(handlerMs));

    // 3. DynamoDB calls, counted (and timed) where dynalite serves them.
    let post: Pick<Probe, 'counts' | 'busyMs'> = { counts: {}, busyMs: {} };
    await ask(sesame, 'reset');
    await login(rp, t, {
      beforePost: async () => {
        await ask(sesame, 'reset');
      },
      afterPost: async () => {
        post = await ask(sesame, 'read');
      },
    });
    await ask(sesame, 'reset');
    await login(rp, t);
    const flow = await ask(sesame, 'read');
    const calls = (c: Pick<Probe, 'counts' | 'busyMs'>) => ({
      total: sum(c.counts),
      byOperation: c.counts,
      dynaliteMs: round1(sum(c.busyMs)),
    });

    // 4. Federated sign-ins: first (just-in-time user) and returning, through the Entra-like mock.
    log(`federated sign-in: ${o.federatedSignIns} first and ${o.federatedSignIns} returning…`);
    const fed = t.federation as FederationTarget;
    registerAtUpstream(upstream.mock, fed);
    const fedApp = await federatedApp(t.url, fed);
    const signIn = (who: string) => federatedSignIn(fedApp, fed, upstream.mock, who, (m) => ask(sesame, m));
    // Warm-up: discovery and JWKS are fetched once per container, templates compiled, caches filled.
    await signIn('fed-warm@bench.example');
    await signIn('fed-warm@bench.example');
    const fedRuns: Array<{ jit: FederatedSignIn; returning: FederatedSignIn }> = [];
    for (let i = 0; i < o.federatedSignIns; i++) {
      const who = `fed-${i}@bench.example`;
      const jit = await signIn(who);
      fedRuns.push({ jit, returning: await signIn(who) });
    }
    const federation = summarize(fedRuns);

    // Optional: where the token endpoint's time goes, in each server.
    let profile: BenchResults['profile'];
    if (o.profileDir) {
      log('profiling one token round per server…');
      mkdirSync(o.profileDir, { recursive: true });
      const profiled = async (server: Server, name: string) => {
        const file = join(o.profileDir as string, `${name}.cpuprofile`);
        await ask(server, 'profile-start');
        await tokenRate(server.target, o.seconds, o.concurrency);
        await ask(server, `profile-stop:${file}`);
        return { file, summary: summarizeProfile(file) };
      };
      const s = await profiled(sesame, 'sesame');
      const b = await profiled(bare, 'bare');
      profile = { sesame: s.summary, bare: b.summary, files: [s.file, b.file] };
    }
    await Promise.all(children.map(stop));

    // 5. Cold start of the bundled handler, and its size.
    log(`cold start: bundling, ${o.coldStartSamples} fresh imports…`);
    const cold = await coldStart(o.coldStartSamples);

    return {
      node: t.node,
      tokenRequestsPerSecond: {
        ...tokens,
        ratio: Math.round((tokens.sesame / tokens.bare) * 1000) / 1000,
        rounds,
        sesameDynamoCallsPerRequest: callsPerToken,
      },
      login: {
        medianMs: loginMedian,
        handlerMedianMs: handlerMedian,
        argon2VerifyMedianMs: verifyMedian,
        overArgon2Ms: round1(loginMedian - verifyMedian),
        handlerOverArgon2Ms: round1(handlerMedian - verifyMedian),
        argon2Params,
        stepsMedianMs: {
          authorizeToLoginPage: step('authorizeToLoginPage'),
          loginPost: step('loginPost'),
          resumeToCallback: step('resumeToCallback'),
          codeRedemption: step('codeRedemption'),
        },
      },
      dynamoCalls: { passwordPost: calls(post), fullCodeFlow: calls(flow) },
      federation,
      coldStart: cold,
      ...(profile ? { profile } : {}),
    };
  } finally {
    await Promise.allSettled([...children.map(stop), upstream.mock.close()]);
    process.off('exit', killAll);
  }
}

export interface ProfileSummary {
  /** Share of sampled (non-idle) CPU time, in percent. */
  byPackage: Array<[string, number]>;
  topFunctions: Array<[string, number]>;
}

/** Self time of a .cpuprofile, grouped by npm package (or Sesame file) and by function. */
export function summarizeProfile(file: string, top = 10): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
  const pkg = new Map<string, number>();
  const fn = new Map<string, number>();
  let busy = 0;
  p.samples.forEach((id, i) => {
    const frame = byId.get(id);
    const dt = p.timeDeltas[i] ?? 0;
    if (!frame || frame.functionName === '(idle)') return;
    busy += dt;
    const where = locate(frame.url);
    pkg.set(where, (pkg.get(where) ?? 0) + dt);
    const name = `${frame.functionName || '(anonymous)'} ${where}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    fn.set(name, (fn.get(name) ?? 0) + dt);
  });
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]): [string, number] => [k, round1((v / busy) * 100)]);
  return { byPackage: rank(pkg), topFunctions: rank(fn) };
}

function locate(url: string): string {
  if (!url) return '(native/VM)';
  if (url.startsWith('node:')) return 'node (core)';
  const path = url.startsWith('file:') ? fileURLToPath(url) : url;
  const i = path.lastIndexOf('node_modules/');
  if (i >= 0) {
    const rest = path.slice(i + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] as string);
  }
  return relative(join(import.meta.dirname, '..'), path);
}

export function formatTable(r: BenchResults): string {
  const lines: string[] = [];
  const row = (what: string, value: string, target: string, pass?: boolean) =>
    lines.push(
      `${what.padEnd(44)} ${value.padEnd(38)} ${target.padEnd(24)} ${pass === undefined ? '' : pass ? 'PASS' : 'MISS'}`.trimEnd(),
    );
  const t = r.tokenRequestsPerSecond;
  const l = r.login;
  const d = r.dynamoCalls;
  const ops = (c: Counts) =>
    Object.entries(c)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  row('measure', 'value', 'target', undefined);
  row('token endpoint (client_credentials, req/s)', `Sesame ${t.sesame} / bare ${t.bare}`, '');
  row('  ratio Sesame : bare oidc-provider', t.ratio.toFixed(2), '>= 0.50 × bare', t.ratio >= 0.5);
  row('password login, code flow, at the app (median)', `${l.medianMs} ms`, '');
  row('  argon2 verify (median, configured cost)', `${l.argon2VerifyMedianMs} ms`, '');
  row('  login − argon2 verify', `+${l.overArgon2Ms} ms`, '<= +40 ms', l.overArgon2Ms <= 40);
  row(
    '  same, time inside the handler only',
    `${l.handlerMedianMs} ms (+${l.handlerOverArgon2Ms} ms)`,
    '<= +40 ms',
    l.handlerOverArgon2Ms <= 40,
  );
  row('DynamoDB calls: login form POST', `${d.passwordPost.total}`, '<= 8', d.passwordPost.total <= 8);
  row('  by operation', ops(d.passwordPost.byOperation), '');
  row('DynamoDB calls: whole code flow', `${d.fullCodeFlow.total}`, '(reported)');
  row('  by operation', ops(d.fullCodeFlow.byOperation), '');
  const f = r.federation;
  const fh = f.handlerMedianMs;
  const fd = f.dynamoCalls;
  row(`federated sign-in, Entra-like mock (median)`, `${f.signIns} first + ${f.signIns} returning`, '');
  row('  start (button POST), inside the handler', `${fh.start} ms`, '');
  row(
    '  callback, inside the handler − upstream',
    `returning ${fh.returningCallback} ms, first ${fh.jitCallback} ms`,
    '',
  );
  row(
    '  upstream time subtracted (token endpoint)',
    `returning ${f.upstreamMedianMs.returningCallback} ms, first ${f.upstreamMedianMs.jitCallback} ms`,
    '',
  );
  row(
    '  whole sign-in, inside the handler − upstream',
    `returning ${fh.returningFlow} ms, first ${fh.jitFlow} ms`,
    '',
  );
  row(
    'DynamoDB calls: federation callback, returning',
    `${fd.returningCallback.total}`,
    '<= 10',
    fd.returningCallback.total <= 10,
  );
  row('  by operation', ops(fd.returningCallback.byOperation), '');
  row('DynamoDB calls: federation callback, first (JIT)', `${fd.jitCallback.total}`, '(reported)');
  row('  by operation', ops(fd.jitCallback.byOperation), '');
  row('DynamoDB calls: federated start (button POST)', `${fd.start.total}`, '(reported)');
  row(
    'DynamoDB calls: whole federated sign-in',
    `returning ${fd.returningFlow.total}, first ${fd.jitFlow.total}`,
    '(reported)',
  );
  row(
    'cold start: import of bundled handler',
    `${r.coldStart.importMedianMs} ms`,
    '<= 300 ms',
    r.coldStart.importMedianMs <= 300,
  );
  row(
    'bundle size (index.mjs)',
    `${r.coldStart.bundleBytes} B (${(r.coldStart.bundleBytes / 1e6).toFixed(2)} MB)`,
    '<= 2 MB',
    r.coldStart.bundleBytes <= 2e6,
  );
  const s = l.stepsMedianMs;
  lines.push(
    '',
    `node ${r.node}; token rounds (req/s) Sesame [${t.rounds.sesame.join(', ')}], bare [${t.rounds.bare.join(', ')}]; ` +
      `DynamoDB calls per Sesame token request ${t.sesameDynamoCallsPerRequest}`,
    `login steps (median ms): authorize→login page ${s.authorizeToLoginPage}, login POST ${s.loginPost}, ` +
      `resume→callback ${s.resumeToCallback}, code redemption ${s.codeRedemption}`,
    `time inside dynalite: login POST ${d.passwordPost.dynaliteMs} ms, whole flow ${d.fullCodeFlow.dynaliteMs} ms`,
    `argon2id m=${l.argon2Params.memoryCost} KiB, t=${l.argon2Params.timeCost}, p=${l.argon2Params.parallelism}`,
  );
  lines.push(
    `federated sign-in: requests to the upstream ${f.upstreamRequests.start} in the start, ` +
      `${f.upstreamRequests.callback} in the callback (discovery and JWKS cached since the warm-up)`,
  );
  if (!fd.sameInEverySample)
    lines.push(
      'federated sign-ins: not every sample made the same number of DynamoDB calls (last sample shown)',
    );
  if (fd.returningCallback.total > 10) {
    lines.push(
      '',
      'DynamoDB calls of the returning-user federation callback, in order (table, operation, key):',
    );
    lines.push(...fd.returningCallback.calls.map((c, i) => `  ${String(i + 1).padStart(2)}. ${c}`));
  }
  if (r.profile) {
    for (const name of ['sesame', 'bare'] as const) {
      const p = r.profile[name];
      lines.push('', `CPU profile, ${name} token endpoint — self time by package (% of busy):`);
      lines.push(`  ${p.byPackage.map(([k, v]) => `${k} ${v}%`).join(', ')}`);
      lines.push('  top functions:');
      for (const [k, v] of p.topFunctions) lines.push(`    ${String(v).padStart(5)}%  ${k}`);
    }
    lines.push(`profiles: ${r.profile.files.join(' ')}`);
  }
  return lines.join('\n');
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
  // Arrays of numbers on one line, as the formatter (biome) writes them.
  const json = JSON.stringify(kept, null, 2).replace(
    /\[\s+([-\d.,\s]+?)\s+\]/g,
    (_m, inner: string) => `[${inner.split(/,\s*/).join(', ')}]`,
  );
  writeFileSync(join(import.meta.dirname, 'results.json'), `${json}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
