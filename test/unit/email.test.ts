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
  it('treats the fullwidth @ (U+FF20) as @ after NFKC, and stores the normalised form', () => {
    assert.deepEqual(normaliseEmail('anna\uFF20example.com'), {
      email: 'anna@example.com',
      emailKey: 'anna@example.com',
    });
  });
  it('refuses zero-width, word-joiner, BOM, variation-selector and bidi-isolate characters', () => {
    for (const tricky of [
      'an\u200Cna@example.com',
      'a\u2060b@example.com',
      'a\uFEFFb@example.com',
      'a\uFE0Fb@example.com',
      'a\u2066b@example.com',
    ]) {
      assert.throws(() => normaliseEmail(tricky), InvalidEmail, JSON.stringify(tricky));
    }
  });
  it('refuses a part that mixes look-alike scripts', () => {
    assert.throws(
      () => normaliseEmail('p\u0430ypal@example.com'),
      InvalidEmail,
      'Cyrillic a in a Latin local part',
    );
    assert.throws(() => normaliseEmail('anna@ex\u0430mple.com'), InvalidEmail, 'Cyrillic a in a Latin label');
    assert.throws(
      () => normaliseEmail('anna@\u03BFpenai.com'),
      InvalidEmail,
      'Greek omicron in a Latin label',
    );
  });
  it('accepts single-script and normal CJK mixes', () => {
    assert.equal(
      normaliseEmail('\u0438\u0432\u0430\u043D@\u043F\u0440\u0438\u043C\u0435\u0440.\u0440\u0444').email
        .length,
      14,
    );
    assert.doesNotThrow(() => normaliseEmail('\u5C71\u7530\u305F\u308D\u3046@example.jp'));
    assert.doesNotThrow(() => normaliseEmail('\uAE40\u6F22\u5B57@example.kr'));
  });
  it('folds odd case mappings onto one key', () => {
    assert.equal(normaliseEmail('\u212Aelvin@example.com').emailKey, 'kelvin@example.com', 'Kelvin sign');
    assert.equal(
      normaliseEmail('\u039F\u0394\u039F\u03A3@example.gr').emailKey,
      normaliseEmail('\u03BF\u03B4\u03BF\u03C3@example.gr').emailKey,
      'final sigma',
    );
    assert.notEqual(
      normaliseEmail('strasse@example.de').emailKey,
      normaliseEmail('stra\u00DFe@example.de').emailKey,
    );
  });
  it('enforces the RFC 5321 length limits and refuses IP literals', () => {
    assert.throws(
      () => normaliseEmail(`a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(60)}.com`),
      InvalidEmail,
    );
    assert.doesNotThrow(() => normaliseEmail(`${'a'.repeat(64)}@example.com`));
    assert.throws(() => normaliseEmail('anna@192.168.0.1'), InvalidEmail);
    assert.throws(() => normaliseEmail('anna@[192.168.0.1]'), InvalidEmail);
    assert.throws(() => normaliseEmail('anna@example.com.'), InvalidEmail);
  });
});
