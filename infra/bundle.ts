import { execSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSync, type Metafile } from 'esbuild';
import { argon2CopyCommands, ENTRIES, esbuildOptions, type LambdaArch, PROJECT_ROOT } from './bundling.ts';

export type EntryName = keyof typeof ENTRIES;

/**
 * One Lambda entry bundled into `outDir` (emptied first): index.mjs, its chunks/, source maps and, for
 * the idp, argon2's files for `arch`. Synchronous, because the CDK construct calls it from its local
 * bundling hook (infra/construct/idp-function.ts), which must be; `npm run build` calls it too, so
 * both make the same asset.
 */
export function bundleEntry(
  entry: EntryName,
  outDir: string,
  arch: LambdaArch,
  options: { smtp: boolean } = { smtp: false },
): Metafile {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const { metafile } = buildSync({
    ...esbuildOptions(entry, options),
    outdir: outDir,
    metafile: true,
    logLevel: 'warning',
  });
  if (entry === 'idp')
    execSync(argon2CopyCommands(outDir, arch).join(' && '), { stdio: 'inherit', shell: '/bin/sh' });
  return metafile;
}

/** An asset's JavaScript by when Lambda reads it (sizes in bytes; paths relative to the asset). */
export interface BundleSizes {
  /** index.mjs and every chunk it imports statically, however indirectly: read at every cold start. */
  coldStart: { bytes: number; files: string[] };
  /** Every .mjs file, the chunks imported dynamically (read at their first use) included. */
  total: { bytes: number; files: number };
}

/** Which outputs a cold start loads, from esbuild's metafile: the entry's static import graph. */
export function bundleSizes(metafile: Metafile, outDir: string): BundleSizes {
  const outputs = Object.fromEntries(
    Object.entries(metafile.outputs).filter(([file]) => file.endsWith('.mjs')),
  );
  // Metafile paths are relative to esbuild's working directory. (Each dynamically imported module is an
  // entry point of its own to esbuild, so the entry is found by its name.)
  const entry = relative(process.cwd(), join(outDir, 'index.mjs'));
  if (!(entry in outputs)) throw new Error(`the metafile has no ${entry}`);
  const loaded = new Set<string>();
  const visit = (file: string): void => {
    if (loaded.has(file)) return;
    loaded.add(file);
    for (const { path, kind } of outputs[file]?.imports ?? [])
      if (kind === 'import-statement' && path in outputs) visit(path);
  };
  visit(entry);
  const bytes = (files: Iterable<string>) => [...files].reduce((n, f) => n + (outputs[f]?.bytes ?? 0), 0);
  const toAsset = (file: string) => relative(outDir, file);
  return {
    coldStart: { bytes: bytes(loaded), files: [...loaded].map(toAsset) },
    total: { bytes: bytes(Object.keys(outputs)), files: Object.keys(outputs).length },
  };
}

/**
 * `npm run build`: every entry's asset as the CDK construct makes it, in dist/<entry>/ — for inspecting
 * the asset, measuring cold-start imports, or CI that bundles once and passes the result as the
 * construct's `code` prop.
 */
export async function bundleAll(
  arch: LambdaArch,
  outRoot = join(PROJECT_ROOT, 'dist'),
): Promise<Record<EntryName, string>> {
  const out = {} as Record<EntryName, string>;
  for (const name of Object.keys(ENTRIES) as EntryName[]) {
    out[name] = join(outRoot, name);
    bundleEntry(name, out[name], arch);
  }
  return out;
}

/**
 *   tsx infra/bundle.ts [arm64|x64]                                 every entry into dist/
 *   tsx infra/bundle.ts <arch> --entry idp --out <dir> [--smtp]     one entry (the construct's Docker
 *                                                                   fallback runs this)
 */
if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      entry: { type: 'string' },
      out: { type: 'string' },
      smtp: { type: 'boolean', default: false },
    },
  });
  const arch = positionals[0] === 'x64' ? 'x64' : 'arm64';
  const entry = values.entry;
  if (entry !== undefined) {
    if (!(entry in ENTRIES) || !values.out)
      throw new Error(`usage: bundle.ts <arch> --entry idp --out <dir>`);
    bundleEntry(entry as EntryName, values.out, arch, { smtp: values.smtp });
  } else {
    for (const [name, dir] of Object.entries(await bundleAll(arch)))
      console.log(`${name}: ${dir} (linux-${arch})`);
  }
}
