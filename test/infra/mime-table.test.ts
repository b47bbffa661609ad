import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { mimeTable, PROJECT_ROOT } from '../../infra/bundling.ts';

type MimeTypes = {
  lookup(path: string): string | false;
  contentType(type: string): string | false;
  extension(type: string): string | false;
  charset(type: string): string | false;
  types: Record<string, string>;
};

const require = createRequire(`${PROJECT_ROOT}/package.json`);

/** mime-types loaded afresh over another mime-db (the bundle's alias does the same). */
function mimeTypesOver(db: unknown): MimeTypes {
  const dbPath = require.resolve('mime-db');
  const typesPath = require.resolve('mime-types');
  const saved = { db: require.cache[dbPath], types: require.cache[typesPath] };
  try {
    delete require.cache[typesPath];
    require.cache[dbPath] = { ...(saved.db as NodeJS.Module), exports: db };
    return require('mime-types') as MimeTypes;
  } finally {
    require.cache[dbPath] = saved.db;
    require.cache[typesPath] = saved.types;
  }
}

describe("the bundle's mime table (infra/bundling.ts, mimeTable)", () => {
  it('answers every lookup mime-types makes exactly as the full mime-db does', () => {
    const full = mimeTypesOver(require('mime-db'));
    const trimmed = mimeTypesOver(JSON.parse(readFileSync(mimeTable(), 'utf8')));
    const db = require('mime-db') as Record<string, unknown>;
    for (const ext of Object.keys(full.types)) assert.equal(trimmed.lookup(ext), full.lookup(ext), ext);
    assert.deepEqual(trimmed.types, full.types);
    for (const type of [...Object.keys(db), 'text/unknown', 'application/problem+json', 'html', 'json']) {
      assert.equal(trimmed.contentType(type), full.contentType(type), type);
      assert.equal(trimmed.extension(type), full.extension(type), type);
      assert.equal(trimmed.charset(type), full.charset(type), type);
    }
  });
});
