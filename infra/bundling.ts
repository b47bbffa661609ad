import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

/** Repository root (infra/ is one level down). */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const ENTRIES = {
  idp: join(PROJECT_ROOT, 'functions/idp/handler.ts'),
  keygen: join(PROJECT_ROOT, 'infra/keygen/handler.ts'),
  rotation: join(PROJECT_ROOT, 'infra/rotation/handler.ts'),
} as const;

/**
 * ESM bundles call `require` for Node built-ins inside CommonJS dependencies (koa, oidc-provider's
 * deps); esbuild's ESM output has no `require`, so without this banner the bundle dies with
 * "Dynamic require of node:util is not supported". Aliased so it can't clash with bundled names.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __sesameCreateRequire } from 'node:module'; const require = __sesameCreateRequire(import.meta.url);";

/** argon2 is a native addon: esbuild can't bundle it, so it ships as a node module beside index.mjs. */
export const NATIVE_MODULES = ['argon2'] as const;
/**
 * Left out of the Lambda bundle: native modules (copied in separately) and SMTP mail, which only a
 * deployment configured for SMTP (LocalStack's mail catcher) bundles.
 */
export const LAMBDA_EXTERNALS = [...NATIVE_MODULES, 'nodemailer'] as const;

export type LambdaArch = 'arm64' | 'x64';

function packageDir(name: string, from = PROJECT_ROOT): string {
  const req = createRequire(join(from, 'package.json'));
  return dirname(req.resolve(`${name}/package.json`));
}

/**
 * The files argon2 needs at run time, for one Lambda architecture: its JS, its runtime dependencies
 * (@phc/format, node-gyp-build) and only `prebuilds/linux-<arch>`.
 *
 * Graviton trap: node-gyp-build loads `build/Release/argon2.node` *before* the prebuilds. If argon2
 * was ever compiled on the (x86-64) build machine, copying the package wholesale ships an x86-64
 * binary and the arm64 function crashes on the first login. So `build/` is never copied.
 */
export function argon2CopyCommands(outputDir: string, arch: LambdaArch): string[] {
  const argon2 = packageDir('argon2');
  const target = join(outputDir, 'node_modules');
  const q = (p: string) => `'${p.replaceAll("'", "'\\''")}'`;
  const commands = [
    `rm -rf ${q(join(target, 'argon2'))}`,
    `mkdir -p ${q(join(target, 'argon2', 'prebuilds'))} ${q(join(target, '@phc'))}`,
    `cp ${q(join(argon2, 'package.json'))} ${q(join(argon2, 'argon2.cjs'))} ${q(join(argon2, 'LICENSE'))} ${q(join(target, 'argon2'))}/`,
    `cp -R ${q(join(argon2, 'prebuilds', `linux-${arch}`))} ${q(join(target, 'argon2', 'prebuilds'))}/`,
  ];
  for (const dep of ['@phc/format', 'node-gyp-build']) {
    const dir = packageDir(dep, argon2);
    commands.push(`rm -rf ${q(join(target, dep))}`, `cp -R ${q(dir)} ${q(join(target, dep))}`);
  }
  return commands;
}

/**
 * Imports both builds substitute (esbuild `alias`), for a smaller bundle and a faster cold start:
 * - koa 3's `accepts` pins older `mime-types` and `mime-db` (137 KB of JSON, and a second pass over
 *   it at start-up): the newer `mime-types` serves both, over mimeTable();
 * - `node:http` is taken as CommonJS (shims/node-http.ts says why);
 * - the SDK's default credential chain is its first link, the one Lambda uses (shims/aws-credentials.ts).
 */
export function bundleAliases(): Record<string, string> {
  return {
    'mime-db': mimeTable(),
    'mime-types': packageDir('mime-types'),
    'node:http': join(PROJECT_ROOT, 'infra/shims/node-http.ts'),
    '@aws-sdk/credential-provider-node': join(PROJECT_ROOT, 'infra/shims/aws-credentials.ts'),
  };
}

/**
 * mime-db as its one reader in the bundle (mime-types: lookups by extension, charsets, the source
 * that ranks two types claiming one extension) sees it, without what it never reads: types with
 * neither extensions nor a charset, the `compressible` flags, and the source of a type no other type
 * contests an extension with (160 → 55 KB of JSON). Derived from
 * the installed mime-db at every build, into dist/ (git-ignored), so it never drifts from it.
 */
export function mimeTable(): string {
  const db = JSON.parse(readFileSync(join(packageDir('mime-db'), 'db.json'), 'utf8')) as Record<
    string,
    { source?: string; charset?: string; extensions?: string[] }
  >;
  const listed = Object.entries(db).filter(([, { charset, extensions }]) => extensions || charset);
  const claims = new Map<string, number>();
  for (const [, { extensions = [] }] of listed)
    for (const e of extensions) claims.set(e, (claims.get(e) ?? 0) + 1);
  const kept: typeof db = {};
  for (const [type, { source, charset, extensions }] of listed) {
    // `source` only ranks two types claiming one extension: kept where another type claims one of its.
    const contested = extensions?.some((e) => (claims.get(e) ?? 0) > 1) ?? false;
    kept[type] = {
      ...(source && contested ? { source } : {}),
      ...(charset ? { charset } : {}),
      ...(extensions ? { extensions } : {}),
    };
  }
  const dir = join(PROJECT_ROOT, 'dist', 'generated');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'mime-db.json');
  const text = JSON.stringify(kept);
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // not generated yet
  }
  if (current !== text) writeFileSync(file, text);
  return file;
}

/**
 * The esbuild settings of a Lambda entry. `npm run build` and the CDK construct both bundle through
 * infra/bundle.ts with them as they are, so both make the same asset (test/infra checks it).
 *
 * ESM with code splitting: `index.mjs` is what Lambda loads at a cold start, together with the chunks
 * it imports statically; what the code imports dynamically (`import()`: the passkey ceremonies, SES,
 * the upstream OIDC client, TOTP, QR codes, the admin API, the console and the account page) lands in
 * chunks/ and is read from disk only when a request first needs it — unless a module a cold start
 * loads also imports it statically: esbuild splits by file (docs/architecture.md, "Loaded at first
 * use"; README, "What a cold start loads").
 */
export function esbuildOptions(
  entry: keyof typeof ENTRIES,
  options: { smtp: boolean } = { smtp: false },
): BuildOptions & { alias: Record<string, string>; external: string[]; target: string } {
  return {
    entryPoints: { index: ENTRIES[entry] },
    bundle: true,
    platform: 'node',
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    target: 'node24',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    // The AWS SDK is bundled too: the version that was tested is the version that runs.
    external: entry !== 'idp' ? [] : options.smtp ? [...NATIVE_MODULES] : [...LAMBDA_EXTERNALS],
    alias: bundleAliases(),
  };
}
