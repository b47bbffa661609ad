import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The import rules of docs/architecture.md, checked on the source: no cycles between the folders of
 * functions/, the domain imports no adapter, HTTP or AWS SDK, and only the local runner imports local/.
 * The message catalogues (i18n/) import nothing of Sesame's own.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../functions');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The folder of a file under functions/ (`app.ts` and other top-level files are `.`). */
const folderOf = (file: string): string => {
  const [first = '.', ...rest] = relative(ROOT, file).split('/');
  return rest.length > 0 ? first : '.';
};

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/g;

function imports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => m[1] as string);
}

const files = sources(ROOT);

describe('the import rules (docs/architecture.md)', () => {
  it('has no cycle between the folders of functions/', () => {
    const edges = new Map<string, Set<string>>();
    for (const file of files)
      for (const spec of imports(file).filter((s) => s.startsWith('.'))) {
        const from = folderOf(file);
        const to = folderOf(resolve(dirname(file), spec));
        if (from !== to) edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    const cycles: string[] = [];
    const visit = (node: string, path: string[]) => {
      if (path.includes(node)) return cycles.push([...path.slice(path.indexOf(node)), node].join(' → '));
      for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
    };
    for (const node of edges.keys()) visit(node, []);
    assert.deepEqual(cycles, []);
  });

  it('keeps the domain free of adapters, HTTP, pages and the AWS SDK', () => {
    const offending = files
      .filter((f) => folderOf(f) === 'domain')
      .flatMap((f) =>
        imports(f)
          .filter((spec) => {
            if (!spec.startsWith('.')) return /^(@aws-sdk|koa|oidc-provider|nodemailer)/.test(spec);
            const to = folderOf(resolve(dirname(f), spec));
            // i18n/ is words only (the e-mails' sentences): no I/O, and it imports nothing.
            return to !== 'domain' && to !== 'config' && to !== 'i18n';
          })
          .map((spec) => `${relative(ROOT, f)} imports ${spec}`),
      );
    assert.deepEqual(offending, []);
  });

  it('keeps the message catalogues free of imports from the rest of Sesame', () => {
    const offending = files
      .filter((f) => folderOf(f) === 'i18n')
      .flatMap((f) =>
        imports(f)
          .filter((spec) => !spec.startsWith('.') || folderOf(resolve(dirname(f), spec)) !== 'i18n')
          .map((spec) => `${relative(ROOT, f)} imports ${spec}`),
      );
    assert.deepEqual(offending, []);
  });

  it('lets only the local runner import local/', () => {
    const offending = files
      .filter((f) => folderOf(f) !== 'local')
      .flatMap((f) =>
        imports(f)
          .filter((spec) => spec.startsWith('.') && folderOf(resolve(dirname(f), spec)) === 'local')
          .map((spec) => `${relative(ROOT, f)} imports ${spec}`),
      );
    assert.deepEqual(offending, []);
  });
});
