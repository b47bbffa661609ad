import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Script } from 'node:vm';
import { script } from '../../functions/views/index.ts';

describe('the one page script (/static/sesame.js)', () => {
  it('is valid JavaScript as served (a template literal can turn an escape into a raw newline)', () => {
    assert.doesNotThrow(() => new Script(script, { filename: 'sesame.js' }));
  });
});
