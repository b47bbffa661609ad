import { execSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { argon2CopyCommands, ENTRIES, esbuildOptions, type LambdaArch, PROJECT_ROOT } from './bundling.ts';

/**
 * `npm run build`: the same bundles the CDK's NodejsFunction produces, written to dist/<entry>/ —
 * for inspecting the asset, measuring cold-start imports, or CI that bundles once and passes the
 * result as the construct's `code` prop. Usage: tsx infra/bundle.ts [arm64|x64]
 */
export async function bundleAll(
  arch: LambdaArch,
  outRoot = join(PROJECT_ROOT, 'dist'),
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(ENTRIES) as Array<keyof typeof ENTRIES>) {
    const dir = join(outRoot, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    await build({ ...esbuildOptions(name), outfile: join(dir, 'index.mjs'), logLevel: 'warning' });
    if (name === 'idp')
      execSync(argon2CopyCommands(dir, arch).join(' && '), { stdio: 'inherit', shell: '/bin/sh' });
    out[name] = dir;
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arch = process.argv[2] === 'x64' ? 'x64' : 'arm64';
  const dirs = await bundleAll(arch);
  for (const [name, dir] of Object.entries(dirs)) console.log(`${name}: ${dir} (linux-${arch})`);
}
