import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { FormClient, findForm } from '../functions/cli/form-client.ts';
import { parseConfig } from '../functions/config/config.ts';
import { hashPassword, verifyPassword } from '../functions/domain/password-hash.ts';
import { bundleAll } from '../infra/bundle.ts';

/**
 * `npm run bench`: Sesame against a bare oidc-provider measured in the same run, on this machine.
 * Servers run in child processes (one each), the load comes from this process. Every figure is a
 * median; only ratios are meant to be compared across machines. BENCH_SECONDS shortens the run.
 */
interface Target {
  url: string;
  machine: { id: string; secret: string };
  web?: { id: string; secret: string; redirect: string };
  user?: { email: string; password: string };
}

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONCURRENCY = 16;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function start(script: string, children: ChildProcess[]): Promise<{ child: ChildProcess; target: Target }> {
  const child = fork(join(import.meta.dirname, script), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('message', (target) => resolve({ child, target: target as Target }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/** Fixed-concurrency client_credentials requests for `seconds`; returns successful requests per second. */
async function tokenRate(t: Target, seconds: number): Promise<number> {
  const auth = `Basic ${Buffer.from(`${t.machine.id}:${t.machine.secret}`).toString('base64')}`;
  const body = 'grant_type=client_credentials';
  const headers = { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' };
  const end = performance.now() + seconds * 1000;
  let ok = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const res = await fetch(`${t.url}/token`, { method: 'POST', headers, body });
        await res.arrayBuffer();
        if (res.status === 200) ok++;
        else failed++;
      }
    }),
  );
  if (failed > 0 && ok === 0) throw new Error(`token endpoint of ${t.url} refused every request`);
  return ok / seconds;
}

interface Probe {
  counts: Record<string, number>;
  handlerMs: number;
}

function probe(child: ChildProcess, msg: 'reset' | 'read'): Promise<Probe> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as Probe));
    child.send(msg);
  });
}

const ask = async (child: ChildProcess, msg: 'reset' | 'read') => (await probe(child, msg)).counts;

/** One full code + PKCE sign-in through the login form, as an app and a browser would do it. */
async function login(
  config: oidc.Configuration,
  t: Target,
  onPost?: { before(): Promise<void>; after(): Promise<void> },
) {
  const web = t.web as NonNullable<Target['web']>;
  const user = t.user as NonNullable<Target['user']>;
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: web.redirect,
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const browser = new FormClient();
  const page = await browser.follow(url.href, {}, web.redirect);
  // The password step alone: the login form POST, without following its redirect.
  const form = findForm(page.html, '/login');
  await onPost?.before();
  const posted = await browser.request(new URL(form.action, page.url).href, {
    method: 'POST',
    body: new URLSearchParams({ ...form.hidden, email: user.email, password: user.password }),
  });
  await onPost?.after();
  const next = new URL(posted.headers.get('location') ?? '', page.url).href;
  const callback = await browser.follow(next, {}, web.redirect);
  if (!callback.url.startsWith(web.redirect)) throw new Error('bench login failed');
  await oidc.authorizationCodeGrant(config, new URL(callback.url), {
    pkceCodeVerifier: verifier,
    idTokenExpected: true,
  });
}

async function coldStart(): Promise<{ importMs: number; bundleBytes: number }> {
  const out = mkdtempSync(join(tmpdir(), 'sesame-bundle-'));
  try {
    const dirs = await bundleAll('x64', out);
    const file = join(dirs.idp as string, 'index.mjs');
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      const script = `const t=process.hrtime.bigint();await import(${JSON.stringify(file)});console.log(Number(process.hrtime.bigint()-t)/1e6)`;
      const printed = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, SESAME_ISSUER: 'https://id.example.com' },
      });
      samples.push(Number(String(printed).trim()));
    }
    return { importMs: median(samples), bundleBytes: statSync(file).size };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  try {
    const bare = await start('bare-provider.ts', children);
    const sesame = await start('sesame-server.ts', children);
    await tokenRate(bare.target, 1);
    await tokenRate(sesame.target, 1);
    const rates = { sesame: [] as number[], bare: [] as number[] };
    for (let round = 0; round < 3; round++) {
      rates.bare.push(await tokenRate(bare.target, SECONDS));
      rates.sesame.push(await tokenRate(sesame.target, SECONDS));
    }
    const throughput = { sesame: median(rates.sesame), bare: median(rates.bare) };

    const t = sesame.target;
    const web = t.web as NonNullable<Target['web']>;
    const config = await oidc.discovery(new URL(t.url), web.id, web.secret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    // Server side: time inside the Lambda handler over the flow's requests; client side: wall clock
    // as the app and browser see it (adds HTTP round trips and openid-client's own work).
    const logins: number[] = [];
    const serverSide: number[] = [];
    for (let i = 0; i < 21; i++) {
      await probe(sesame.child, 'reset');
      const t0 = performance.now();
      await login(config, t);
      logins.push(performance.now() - t0);
      serverSide.push((await probe(sesame.child, 'read')).handlerMs);
    }
    const params = parseConfig({ issuer: 'http://localhost' }).argon2;
    const hash = await hashPassword('bench passphrase', params);
    const verifies: number[] = [];
    for (let i = 0; i < 21; i++) {
      const t0 = performance.now();
      await verifyPassword(hash, 'bench passphrase');
      verifies.push(performance.now() - t0);
    }

    let postCounts: Record<string, number> = {};
    await ask(sesame.child, 'reset');
    await login(config, t, {
      before: async () => {
        await ask(sesame.child, 'reset');
      },
      after: async () => {
        postCounts = await ask(sesame.child, 'read');
      },
    });
    await ask(sesame.child, 'reset');
    await login(config, t);
    const flowCounts = await ask(sesame.child, 'read');
    const sum = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

    const cold = await coldStart();
    const results = {
      tokenRequestsPerSecond: { ...throughput, ratio: throughput.sesame / throughput.bare },
      loginMedianMs: median(serverSide),
      loginWallClockMedianMs: median(logins),
      argon2VerifyMedianMs: median(verifies),
      argon2Params: params,
      dynamoCallsPasswordPost: { total: sum(postCounts), byOperation: postCounts },
      dynamoCallsFullCodeFlow: { total: sum(flowCounts), byOperation: flowCounts },
      coldStartImportMs: cold.importMs,
      bundleBytes: cold.bundleBytes,
    };
    report(results);
    writeFileSync(join(import.meta.dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    for (const child of children) child.kill();
  }
}

function report(r: {
  tokenRequestsPerSecond: { sesame: number; bare: number; ratio: number };
  loginMedianMs: number;
  loginWallClockMedianMs: number;
  argon2VerifyMedianMs: number;
  dynamoCallsPasswordPost: { total: number; byOperation: Record<string, number> };
  dynamoCallsFullCodeFlow: { total: number; byOperation: Record<string, number> };
  coldStartImportMs: number;
  bundleBytes: number;
}): void {
  const row = (what: string, value: string, target: string, pass: boolean) =>
    `${what.padEnd(46)} ${value.padEnd(30)} ${target.padEnd(26)} ${pass ? 'PASS' : 'MISS'}`;
  const t = r.tokenRequestsPerSecond;
  const extra = r.loginMedianMs - r.argon2VerifyMedianMs;
  console.log(`${'measure'.padEnd(46)} ${'value'.padEnd(30)} ${'target'.padEnd(26)} result`);
  console.log(
    row(
      'token endpoint, client_credentials (req/s)',
      `Sesame ${t.sesame.toFixed(0)} / bare ${t.bare.toFixed(0)}`,
      'ratio >= 0.5',
      t.ratio >= 0.5,
    ),
  );
  console.log(row('  ratio Sesame : bare oidc-provider', t.ratio.toFixed(2), '', t.ratio >= 0.5));
  console.log(
    row(
      'password login, full code flow, server side (ms)',
      `${r.loginMedianMs.toFixed(1)} (argon2 ${r.argon2VerifyMedianMs.toFixed(1)}, +${extra.toFixed(1)})`,
      '<= argon2 verify + 40 ms',
      extra <= 40,
    ),
  );
  console.log(
    row('  same flow, wall clock at the app (ms)', r.loginWallClockMedianMs.toFixed(1), '(reported)', true),
  );
  console.log(
    row(
      'DynamoDB calls: the password login (form POST)',
      `${r.dynamoCallsPasswordPost.total} ${JSON.stringify(r.dynamoCallsPasswordPost.byOperation)}`,
      '<= 8',
      r.dynamoCallsPasswordPost.total <= 8,
    ),
  );
  console.log(
    row(
      'DynamoDB calls: whole code flow',
      `${r.dynamoCallsFullCodeFlow.total} ${JSON.stringify(r.dynamoCallsFullCodeFlow.byOperation)}`,
      '(reported)',
      true,
    ),
  );
  console.log(
    row(
      'cold start: import of the bundled handler (ms)',
      r.coldStartImportMs.toFixed(0),
      '<= 300 ms',
      r.coldStartImportMs <= 300,
    ),
  );
  console.log(row('bundle size', `${(r.bundleBytes / 1e6).toFixed(2)} MB`, '<= 2 MB', r.bundleBytes <= 2e6));
}

await main();
