import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A CPU profile of one window of a bench server's life (the same .cpuprofile that `--cpu-prof`
 * writes, but without the start-up and TypeScript compilation around it): 'profile-start' and
 * 'profile-stop:<file>' arrive over IPC.
 */
let session: Session | undefined;

export async function onProfileMessage(msg: string): Promise<boolean> {
  if (msg === 'profile-start') {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    return true;
  }
  if (msg.startsWith('profile-stop:') && session) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(msg.slice('profile-stop:'.length), JSON.stringify(profile));
    session.disconnect();
    session = undefined;
    return true;
  }
  return false;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

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
