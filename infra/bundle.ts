import { execSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import {
  argon2CopyCommands,
  ENTRIES,
  ESM_REQUIRE_BANNER,
  LAMBDA_EXTERNALS,
  type LambdaArch,
  PROJECT_ROOT,
} from './bundling.ts';

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
  for (const [name, entry] of Object.entries(ENTRIES)) {
    const dir = join(outRoot, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    await build({
      entryPoints: [entry],
      outfile: join(dir, 'index.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      mainFields: ['module', 'main'],
      banner: { js: ESM_REQUIRE_BANNER },
      external: name === 'idp' ? [...LAMBDA_EXTERNALS] : [],
      logLevel: 'warning',
    });
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
