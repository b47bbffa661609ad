import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { en } from '../../functions/i18n/en.ts';
import {
  fill,
  fromUiLocales,
  LOCALES,
  loadMessages,
  type Messages,
  messages,
  pieces,
  placeholders,
} from '../../functions/i18n/index.ts';

/** Every sentence of a catalogue by its dotted key. */
function flatten(catalogue: object, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(catalogue)) {
    if (value !== null && typeof value === 'object')
      for (const [k, v] of flatten(value, `${prefix}${key}.`)) out.set(k, v);
    else out.set(`${prefix}${key}`, value);
  }
  return out;
}

const english = flatten(en);
// Dutch and German are read at first use (each a chunk of the Lambda asset).
await Promise.all(LOCALES.map(loadMessages));

describe('the message catalogues', () => {
  it('offers English, Dutch and German, English first', () => {
    assert.deepEqual(LOCALES, ['en', 'nl', 'de']);
  });

  for (const locale of LOCALES) {
    const catalogue = flatten(messages(locale) as Messages);

    it(`${locale}: has exactly the keys of the English catalogue`, () => {
      assert.deepEqual([...catalogue.keys()].sort(), [...english.keys()].sort());
    });

    it(`${locale}: has no empty or untrimmed sentence`, () => {
      for (const [key, text] of catalogue) {
        assert.equal(typeof text, 'string', key);
        assert.ok((text as string).trim().length > 0, `${key} is empty`);
        assert.equal(text, (text as string).trim(), `${key} has stray spaces`);
      }
    });

    it(`${locale}: has the placeholders of the English sentence in every sentence`, () => {
      for (const [key, text] of english)
        assert.deepEqual(
          placeholders(String(catalogue.get(key))).sort(),
          placeholders(String(text)).sort(),
          key,
        );
    });

    it(`${locale}: holds no markup (the templates mark values up, and eta escapes every piece)`, () => {
      for (const [key, text] of catalogue) assert.doesNotMatch(String(text), /[<>]|&[a-z#]/i, key);
    });
  }

  it('translates what it says (a Dutch or German sentence is not the English one)', () => {
    for (const locale of ['nl', 'de'] as const) {
      const catalogue = flatten(messages(locale));
      const same = [...english].filter(
        ([key, text]) => catalogue.get(key) === text && /\s/.test(String(text)),
      );
      assert.deepEqual(
        same.map(([key]) => key),
        [],
        locale,
      );
    }
  });
});

describe('filling in a sentence', () => {
  it('fills each placeholder by name and leaves unknown ones as they are', () => {
    assert.equal(
      fill('Send a code to {email} ({email})', { email: 'a@b.example' }),
      'Send a code to a@b.example (a@b.example)',
    );
    assert.equal(fill('{x} stays', {}), '{x} stays');
  });

  it('cuts a sentence at its placeholders for the templates to mark up', () => {
    assert.deepEqual(pieces('to continue to {client}.', { client: '<Shop>' }), [
      { text: 'to continue to ' },
      { text: '<Shop>', name: 'client' },
      { text: '.' },
    ]);
    assert.deepEqual(pieces('{a}{b}', { a: '1', b: '2' }), [
      { text: '1', name: 'a' },
      { text: '2', name: 'b' },
    ]);
  });
});

describe('the ui_locales parameter', () => {
  it('takes the first supported language, in the order given', () => {
    assert.equal(fromUiLocales('nl'), 'nl');
    assert.equal(fromUiLocales('fr-CA nl-BE de'), 'nl');
    assert.equal(fromUiLocales('DE-at'), 'de');
    assert.equal(fromUiLocales('en-GB nl'), 'en');
  });

  it('ignores what is missing, unsupported or not a language tag', () => {
    assert.equal(fromUiLocales(undefined), null);
    assert.equal(fromUiLocales(''), null);
    assert.equal(fromUiLocales('fr ja'), null);
    assert.equal(fromUiLocales('not_a_tag!! 12'), null);
    assert.equal(fromUiLocales(['nl']), null);
  });
});
