import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidEmail, normaliseEmail } from '../../functions/domain/email.ts';

describe('e-mail normalisation', () => {
  it('makes the key case-insensitive and keeps the address as typed', () => {
    assert.deepEqual(normaliseEmail('  Anna@Example.COM '), {
      email: 'Anna@Example.COM',
      emailKey: 'anna@example.com',
    });
  });
  it('folds compatibility forms (fullwidth letters and @) onto the same key', () => {
    assert.equal(normaliseEmail('ａｎｎａ＠example.com').emailKey, 'anna@example.com');
  });
  it('refuses invisible and bidirectional control characters', () => {
    for (const tricky of [
      'an\u200Bna@example.com',
      'anna@exa\u202Emple.com',
      'an\u200Dna@example.com',
      'anna\u00A0@example.com',
      'an\u0000na@example.com',
    ]) {
      assert.throws(() => normaliseEmail(tricky), InvalidEmail, JSON.stringify(tricky));
    }
  });
  it('refuses malformed addresses', () => {
    for (const bad of [
      '',
      'anna',
      'anna@',
      '@example.com',
      'a@b@c.com',
      'anna@localhost',
      'an na@example.com',
      'anna..b@example.com',
      `${'a'.repeat(65)}@example.com`,
      'anna@-example.com',
    ]) {
      assert.throws(() => normaliseEmail(bad), InvalidEmail, bad);
    }
  });
  it('accepts internationalised addresses', () => {
    assert.equal(normaliseEmail('Jürgen@Bücher.de').emailKey, 'jürgen@bücher.de');
  });
});
