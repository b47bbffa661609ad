import assert from 'node:assert/strict';
import { execFileSync, execSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { before, describe, it } from 'node:test';
import { App } from 'aws-cdk-lib';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { build } from 'esbuild';
import { bundleAll, bundleEntry, bundleSizes } from '../../infra/bundle.ts';
import {
  argon2CopyCommands,
  ESM_REQUIRE_BANNER,
  type LambdaArch,
  PROJECT_ROOT,
} from '../../infra/bundling.ts';
import { createSesameApp } from '../../infra/sesame-app.ts';
import type { SesameStack } from '../../infra/stacks/sesame-stack.ts';

const NODE = process.execPath;

/** An asset's JavaScript files (index.mjs and chunks/), by path within it. */
function scripts(dir: string): Map<string, string> {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.mjs') && !f.startsWith('node_modules'),
  );
  return new Map(files.sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}
const allScripts = (dir: string) => [...scripts(dir).values()].join('\n');

/** Which file node-gyp-build (the asset's own copy) would load on linux/<arch>. */
function resolvedArgon2Binary(assetDir: string, arch: LambdaArch): string {
  const script = `console.log(require(${JSON.stringify(join(assetDir, 'node_modules/node-gyp-build'))}).path(${JSON.stringify(join(assetDir, 'node_modules/argon2'))}))`;
  return execFileSync(NODE, ['-e', script], {
    env: { ...process.env, npm_config_arch: arch, npm_config_platform: 'linux' },
    encoding: 'utf8',
  }).trim();
}

/** ELF e_machine: 183 = AArch64, 62 = x86-64. */
function elfMachine(file: string): number {
  const fd = openSync(file, 'r');
  const header = Buffer.alloc(20);
  readSync(fd, header, 0, 20, 0);
  closeSync(fd);
  return header.readUInt16LE(18);
}

function assertArgon2Layout(assetDir: string, arch: LambdaArch): void {
  const argon2 = join(assetDir, 'node_modules/argon2');
  assert.ok(!existsSync(join(argon2, 'build')), 'no build/ directory (it may hold an x86-64 argon2.node)');
  assert.deepEqual(readdirSync(join(argon2, 'prebuilds')), [`linux-${arch}`]);
  const binary = resolvedArgon2Binary(assetDir, arch);
  assert.match(
    binary,
    new RegExp(`prebuilds/linux-${arch}/argon2\\.${arch === 'arm64' ? 'armv8\\.' : ''}glibc\\.node$`),
  );
  assert.equal(elfMachine(binary), arch === 'arm64' ? 183 : 62);
}

describe('argon2 packaging', () => {
  it('ships argon2 beside an ESM bundle so that it loads and hashes (x64, runnable here)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sesame-argon2-'));
    await build({
      stdin: {
        contents:
          "import argon2 from 'argon2'; export const hash = () => argon2.hash('correct horse', { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });",
        resolveDir: PROJECT_ROOT,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: join(dir, 'index.mjs'),
      external: ['argon2'],
      banner: { js: ESM_REQUIRE_BANNER },
    });
    execSync(argon2CopyCommands(dir, 'x64').join(' && '));
    assertArgon2Layout(dir, 'x64');
    const out = execFileSync(
      NODE,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(join(dir, 'index.mjs'))}); console.log(await m.hash());`,
      ],
      {
        cwd: tmpdir(),
        encoding: 'utf8',
      },
    );
    assert.match(out, /^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });
});

describe('real bundling at synth time (infra/bundle.ts, no Docker)', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'sesame-cdk-real-'));
  let app: App;
  let elapsed = 0;
  before(() => {
    const started = Date.now();
    app = createSesameApp(new App({ outdir, context: { 'sesame:local': 'true' } }));
    app.synth();
    elapsed = Date.now() - started;
  });
  const assetDir = (stackName: string, fn: 'idp' | 'keygen' | 'rotation') => {
    const stack = app.node.findChild(stackName) as SesameStack;
    const lambda = fn === 'rotation' ? stack.sesame.rotation?.fn : stack.sesame[fn];
    assert.ok(lambda, `${stackName} has a ${fn} function`);
    const code = lambda.function.node.findChild('Code') as Asset;
    return join(outdir, code.assetPath);
  };

  it('synthesizes both stacks with cdk-nag in well under a minute', (t) => {
    t.diagnostic(`synth with bundling: ${elapsed} ms`);
    assert.ok(elapsed < 60_000, `${elapsed} ms`);
  });

  it('emits an ESM bundle with the createRequire banner', () => {
    const code = readFileSync(join(assetDir('Sesame', 'idp'), 'index.mjs'), 'utf8');
    assert.ok(code.startsWith(ESM_REQUIRE_BANNER));
  });

  it('makes the very asset `npm run build` makes (one set of esbuild options), with its aliases applied', async () => {
    const fromCdk = scripts(assetDir('Sesame', 'idp'));
    const built = (await bundleAll('arm64', mkdtempSync(join(tmpdir(), 'sesame-build-')))).idp;
    assert.ok(fromCdk.size > 1 && fromCdk.has('index.mjs'), 'index.mjs and its chunks');
    assert.deepEqual(fromCdk, scripts(built));
    const code = allScripts(assetDir('Sesame', 'idp'));
    // node:http taken as CommonJS (infra/shims/node-http.ts); one mime table for koa and accepts,
    // trimmed to what mime-types reads (bundling.ts, mimeTable); Lambda's credentials from env only.
    assert.doesNotMatch(code, /from\s*"node:http"/);
    assert.equal(code.split('"application/vnd.3gpp.pic-bw-large"').length - 1, 1);
    assert.doesNotMatch(code, /"compressible"/);
    assert.doesNotMatch(code, /fromTokenFile|AssumeRoleWithWebIdentity/);
  });

  it('resolves argon2 to the linux-arm64 prebuild in the Graviton asset, with build/ stripped', () => {
    assertArgon2Layout(assetDir('Sesame', 'idp'), 'arm64');
  });

  it('bundles the idp so it imports and exports a handler (host-architecture LocalStack asset)', () => {
    const arch: LambdaArch = process.arch === 'arm64' ? 'arm64' : 'x64';
    const dir = assetDir('SesameLocal', 'idp');
    assertArgon2Layout(dir, arch);
    const out = execFileSync(
      NODE,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(join(dir, 'index.mjs'))}); console.log(typeof m.handler);`,
      ],
      {
        cwd: tmpdir(),
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', SESAME_ISSUER: 'https://id.example.com' },
      },
    );
    assert.equal(out.trim(), 'function');
  });

  it('bundles nodemailer into the SMTP (LocalStack) asset only; SES deployments leave it out', () => {
    const bundle = (stack: string) => allScripts(assetDir(stack, 'idp'));
    // nodemailer's SMTP client (its EHLO greeting) is in the SMTP asset only.
    assert.match(bundle('SesameLocal'), /EHLO /);
    assert.doesNotMatch(bundle('Sesame'), /EHLO /);
    assert.match(bundle('Sesame'), /import\(["']nodemailer["']\)/, 'left as an import that is never reached');
  });

  it('bundles the keygen custom resource without native modules', () => {
    const dir = assetDir('Sesame', 'keygen');
    assert.ok(existsSync(join(dir, 'index.mjs')));
    assert.ok(!existsSync(join(dir, 'node_modules')));
  });

  it('bundles the rotation function without native modules, and it imports and exports a handler', () => {
    const dir = assetDir('Sesame', 'rotation');
    assert.ok(!existsSync(join(dir, 'node_modules')));
    const out = execFileSync(
      NODE,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(join(dir, 'index.mjs'))}); console.log(typeof m.handler);`,
      ],
      { cwd: tmpdir(), encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
    );
    assert.equal(out.trim(), 'function');
  });
});

describe('what a cold start of the idp loads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sesame-cold-'));
  const metafile = bundleEntry('idp', dir, process.arch === 'arm64' ? 'arm64' : 'x64');
  const sizes = bundleSizes(metafile, dir);
  const coldInputs = sizes.coldStart.files.flatMap((f) =>
    Object.keys(metafile.outputs[relative(process.cwd(), join(dir, f))]?.inputs ?? {}),
  );

  it('is index.mjs and the chunks it imports statically, not the whole asset', () => {
    assert.equal(sizes.coldStart.files[0], 'index.mjs');
    assert.ok(sizes.coldStart.bytes < sizes.total.bytes);
    assert.ok(coldInputs.some((i) => i.includes('node_modules/oidc-provider/')));
  });

  // One static import of these (a value, not a type) would put them back into every cold start.
  for (const [what, path] of [
    [
      'the passkey ceremonies (@simplewebauthn/server and its attestation stack)',
      /\/@simplewebauthn\/|\/@peculiar\//,
    ],
    ['SES', /\/@aws-sdk\/client-sesv2\//],
    ['the upstream OIDC client', /\/openid-client\/|\/oauth4webapi\/|functions\/federation\/upstream-client/],
    ['TOTP (otplib)', /\/otplib\/|\/@otplib\//],
    ['QR codes', /\/qrcode\/|\/pngjs\//],
    ['the admin API and the console', /functions\/(admin-api|console)\//],
    ['the account page', /functions\/account\/routes\.ts/],
    ['the Dutch and German catalogues', /functions\/i18n\/(nl|de)\.ts/],
    [
      'the invitation flow (its link, its page, accepting it)',
      /functions\/(interactions\/invitation-pages|domain\/invitations|idp\/invitation-services|views\/invitation)\.ts/,
    ],
    [
      'the forgotten-password reset',
      /functions\/(interactions\/password-reset|domain\/password-reset|idp\/reset-services|views\/password-reset)\.ts/,
    ],
    [
      'the federated sign-in past the login page (its upstream legs, link offers and logout)',
      /functions\/(interactions\/(federation-return|link)|domain\/federation\/(sign-in|link-offer|logout|credential|roles)|idp\/upstream-services|views\/link-account)\.ts/,
    ],
  ] as const)
    it(`leaves out ${what}, loaded at first use`, () => {
      assert.deepEqual(
        coldInputs.filter((i) => path.test(i)),
        [],
      );
      assert.ok(
        Object.keys(metafile.inputs).some((i) => path.test(i)),
        'it is in the asset',
      );
    });
});
