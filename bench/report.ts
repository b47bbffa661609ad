import type { CallCount } from './federation.ts';
import { LOGIN_STEPS } from './load.ts';
import type { BenchResults, PerServer, Throughput } from './run.ts';

export type { CallCount };

/**
 * The targets of issue #14, each decided from one run's figures. Ratios compare Sesame with bare
 * oidc-provider on Sesame's DynamoDB adapter over the same embedded store ("bare on the store"),
 * measured in the same run; counts are exact.
 */
export function targetsOf(r: Omit<BenchResults, 'targets'>): BenchResults['targets'] {
  const t = r.token;
  const l = r.login;
  const sesameLogin = l.sesame.overVerifyMedianMs;
  const bareLogin = l.bareStore.overVerifyMedianMs;
  const fed = r.federation.dynamoCalls.returningCallback.total;
  // Each ratio is the median of the ratios of side-by-side samples (round i of Sesame with round i of
  // the baseline, flow i with flow i): the machine's speed drifts between samples, less within one.
  const ratio = (a: number[], b: number[]) => paired(a, b);
  const targets: BenchResults['targets'] = [];
  const add = (measure: string, value: string, target: string, pass: boolean) =>
    targets.push({ measure, value, target, pass });
  const tokenRate = ratio(t.sesame.rounds, t.bareStore.rounds);
  add('token endpoint req/s : bare on the store', tokenRate.toFixed(2), '>= 0.90', tokenRate >= 0.9);
  const tokenCpu = ratio(t.sesame.cpuRounds, t.bareStore.cpuRounds);
  add('token endpoint CPU/request : bare on the store', tokenCpu.toFixed(2), '<= 1.10', tokenCpu <= 1.1);
  const loginRatio = ratio(l.sesame.overVerifyMs, l.bareStore.overVerifyMs);
  add(
    'login − argon2 verify, in handler : bare on the store',
    `${loginRatio.toFixed(2)} (medians ${sesameLogin.toFixed(1)} / ${bareLogin.toFixed(1)} ms)`,
    '<= 1.30',
    loginRatio <= 1.3,
  );
  const post = r.dynamoCalls.passwordPost.total;
  add('DynamoDB calls: password POST', String(post), '<= 5', post <= 5);
  const flow = r.dynamoCalls.fullCodeFlow.total;
  add('DynamoDB calls: whole code flow', String(flow), '<= 14', flow <= 14);
  add('DynamoDB calls: federation callback, returning', String(fed), '<= 10', fed <= 10);
  for (const [name, e] of [
    ['discovery', r.discovery],
    ['JWKS', r.jwks],
  ] as const) {
    const x = ratio(e.sesame.rounds, e.bareStore.rounds);
    add(`${name} req/s : bare on the store`, x.toFixed(2), '>= 0.80', x >= 0.8);
  }
  const cold = r.coldStart;
  add(
    'cold start: import of the bundled handler',
    `${cold.importMedianMs} ms`,
    '<= 200 ms',
    cold.importMedianMs <= 200,
  );
  add(
    'cold start: JavaScript loaded (index.mjs + static chunks)',
    `${cold.loadedBytes.toLocaleString('en')} B`,
    '<= 1,000,000 B',
    cold.loadedBytes <= 1e6,
  );
  return targets;
}

/** The median of a[i] / b[i]. */
export function paired(a: number[], b: number[]): number {
  const ratios = a.flatMap((x, i) => (b[i] ? [x / (b[i] as number)] : [])).sort((x, y) => x - y);
  return ratios[Math.floor(ratios.length / 2)] ?? Number.POSITIVE_INFINITY;
}

const pad = (cells: string[], widths: number[]) =>
  cells
    .map((c, i) => c.padEnd(widths[i] ?? 0))
    .join('  ')
    .trimEnd();

function table(rows: string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => pad(r, widths));
}

const ops = (c: Record<string, number>) =>
  Object.entries(c)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

const bytes = (n: number) => `${n.toLocaleString('en')} B`;

const NAMES = { sesame: 'Sesame', bareStore: 'bare, same store', bareMemory: 'bare, memory' } as const;
const ORDER = ['sesame', 'bareStore', 'bareMemory'] as const;

export function formatTable(r: BenchResults): string {
  const lines: string[] = [];
  const l = r.login;
  const throughputRows = (what: string, e: PerServer<Throughput>) =>
    ORDER.map((n) => [
      `${what}, ${NAMES[n]}`,
      `${e[n].reqPerSec}`,
      `${e[n].cpuUsPerRequest}`,
      `${e[n].p50Ms} / ${e[n].p95Ms}`,
      `${e[n].dynamoCallsPerRequest}`,
    ]);
  lines.push(
    ...table([
      ['endpoint, server', 'req/s', 'CPU µs/req', 'p50 / p95 ms', 'DynamoDB/req'],
      ...throughputRows('token (client_credentials)', r.token),
      ...throughputRows('discovery', r.discovery),
      ...throughputRows('JWKS', r.jwks),
    ]),
    '',
  );
  lines.push(
    ...table([
      [
        'password login (code flow), server',
        'at app ms',
        'in handler ms',
        'its verify ms',
        'handler − verify',
        'CPU ms',
        'DynamoDB calls by step',
      ],
      ...ORDER.map((n) => [
        NAMES[n],
        `${l[n].medianMs}`,
        `${l[n].handlerMedianMs}`,
        `${l[n].verifyMedianMs}`,
        `${l[n].overVerifyMedianMs}`,
        `${l[n].cpuMedianMs}`,
        `${LOGIN_STEPS.map((s) => l[n].dynamoCalls[s].total).join(' + ')} = ${l[n].dynamoCalls.total}`,
      ]),
    ]),
    `  steps: authorize → login page, login POST, resume → callback, code redemption; argon2id ` +
      `(m=${l.argon2Params.memoryCost} KiB, t=${l.argon2Params.timeCost}, p=${l.argon2Params.parallelism})`,
    `  Sesame step medians (ms at app): ${LOGIN_STEPS.map((s) => l.sesame.stepsMedianMs[s]).join(', ')}; ` +
      `bare on the store: ${LOGIN_STEPS.map((s) => l.bareStore.stepsMedianMs[s]).join(', ')}`,
    `  Sesame DynamoDB calls: password POST ${ops(r.dynamoCalls.passwordPost.byOperation)}; ` +
      `whole flow ${ops(r.dynamoCalls.fullCodeFlow.byOperation)}`,
    '',
  );
  const f = r.federation;
  const fh = f.handlerMedianMs;
  const fd = f.dynamoCalls;
  lines.push(
    `federated sign-in through the Entra-like mock (median of ${f.signIns} each, inside the handler − upstream): ` +
      `start ${fh.start} ms; callback returning ${fh.returningCallback} ms, first ${fh.jitCallback} ms; ` +
      `whole sign-in returning ${fh.returningFlow} ms, first ${fh.jitFlow} ms`,
    `  DynamoDB calls: start ${fd.start.total}; callback returning ${fd.returningCallback.total} ` +
      `(${ops(fd.returningCallback.byOperation)}), first ${fd.jitCallback.total}; ` +
      `whole sign-in returning ${fd.returningFlow.total}, first ${fd.jitFlow.total}; ` +
      `upstream requests in the callback ${f.upstreamRequests.callback}`,
  );
  if (!fd.sameInEverySample)
    lines.push('  not every federated sample made the same number of DynamoDB calls (last sample shown)');
  const p = r.passkey;
  lines.push(
    `passwordless passkey sign-in (median of ${p.signIns}, inside the handler): the answer's POST ` +
      `${p.handlerMedianMs.post} ms, whole sign-in ${p.handlerMedianMs.flow} ms (no argon2: no password)`,
    `  DynamoDB calls: the answer's POST ${p.dynamoCalls.post.total} (${ops(p.dynamoCalls.post.byOperation)}); ` +
      `whole sign-in ${p.dynamoCalls.flow.total}`,
  );
  if (!p.dynamoCalls.sameInEverySample)
    lines.push('  not every passkey sample made the same number of DynamoDB calls (last sample shown)');
  lines.push(
    `cold start: import of the bundled handler ${r.coldStart.importMedianMs} ms, ${r.coldStart.importCpuMedianMs} ms of CPU ` +
      `(medians; wall samples ${r.coldStart.samplesMs.join(', ')})`,
    `  JavaScript it loads: ${bytes(r.coldStart.loadedBytes)} in ${r.coldStart.loadedFiles} files (index.mjs and the chunks it ` +
      `imports statically; the import read ${bytes(r.coldStart.importReadBytes)}); the whole asset ` +
      `${bytes(r.coldStart.assetBytes)} in ${r.coldStart.assetFiles} files, the rest loaded at first use`,
    `node ${r.node}; token rounds (req/s): ${ORDER.map((n) => `${NAMES[n]} [${r.token[n].rounds.join(', ')}]`).join(', ')}`,
    `token rounds (CPU µs/request): ${ORDER.map((n) => `${NAMES[n]} [${r.token[n].cpuRounds.join(', ')}]`).join(', ')}`,
    `login flows, handler − verify (ms): ${(['sesame', 'bareStore'] as const).map((n) => `${NAMES[n]} [${r.login[n].overVerifyMs.join(', ')}]`).join(', ')}`,
    '',
    ...table([
      ['target', 'value', 'target', ''],
      ...r.targets.map((x) => [x.measure, x.value, x.target, x.pass ? 'PASS' : 'MISS']),
    ]),
  );
  const missed = (limit: number, n: number) => n > limit;
  if (missed(5, r.dynamoCalls.passwordPost.total) || missed(14, r.dynamoCalls.fullCodeFlow.total)) {
    lines.push('', "Sesame's DynamoDB calls of one code flow, in order (table, operation, key shape):");
    for (const s of LOGIN_STEPS) {
      lines.push(`  ${s}:`);
      lines.push(...l.sesame.dynamoCalls[s].calls.map((c) => `    ${c}`));
    }
  }
  if (fd.returningCallback.total > 10) {
    lines.push('', 'DynamoDB calls of the returning-user federation callback, in order:');
    lines.push(...fd.returningCallback.calls.map((c, i) => `  ${String(i + 1).padStart(2)}. ${c}`));
  }
  if (r.profile) {
    for (const name of ORDER) {
      const p = r.profile[name];
      lines.push('', `CPU profile, ${NAMES[name]}, token endpoint — self time by package (% of busy):`);
      lines.push(`  ${p.byPackage.map(([k, v]) => `${k} ${v}%`).join(', ')}`);
      lines.push('  top functions:');
      for (const [k, v] of p.topFunctions) lines.push(`    ${String(v).padStart(5)}%  ${k}`);
    }
    lines.push(`profiles: ${r.profile.files.join(' ')}`);
  }
  return lines.join('\n');
}
