import { DomainError } from './errors.ts';

/**
 * E-mail addresses as identifiers.
 *
 * Decisions (each closes a way for two different-looking or identical-looking inputs to collide):
 * - The input is trimmed and NFKC-normalised *before* validation, and the NFKC form is what we store
 *   and show (`email`), so the address on screen is exactly the one that is keyed. Consequence:
 *   a fullwidth "ａｎｎａ＠ｅｘａｍｐｌｅ.com" (U+FF20 is a compatibility form of "@") is accepted as
 *   "anna@example.com" — the same account, not a look-alike second one.
 * - The key (`emailKey`) is the NFKC form lower-cased with the default (locale-independent) mapping,
 *   re-normalised (lower-casing "İ" yields "i" + U+0307), with Greek final sigma folded to "σ"
 *   because `toLowerCase` picks ς or σ by position. We do not apply full case folding ("ß" stays
 *   "ß", not "ss"): IDNA2008 treats them as different domains, and so do we.
 * - Invisible characters are refused before and after normalisation: controls, format characters
 *   (zero-width joiner/space, BOM, bidi overrides and isolates), default-ignorables, private-use,
 *   unassigned code points and every kind of space. They make two addresses look identical.
 * - Each part (the local part and every domain label) must be written in one script, apart from
 *   the script mixes that are normal in Japanese, Chinese and Korean (UTS #39 §5.2 "highly
 *   restrictive"). "pаypal" with a Cyrillic "а" is refused. A label written entirely in a
 *   look-alike script ("аррӏе", all Cyrillic) is not detectable this way and is accepted.
 * - Shape: one "@", local part ≤ 64 and the whole ≤ 254 code units (RFC 5321 §4.5.3.1), no quoted
 *   local parts or IP literals, at least two domain labels, the last one not all digits.
 */
export class InvalidEmail extends DomainError {
  override name = 'InvalidEmail';
  constructor() {
    super('invalid_email');
  }
}

const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\s]/u;
const LOCAL = /^[\p{L}\p{M}\p{N}._%+'-]{1,64}$/u;
const LABEL = /^(?![-\p{M}])[\p{L}\p{M}\p{N}-]{1,63}(?<!-)$/u;

const SCRIPTS: ReadonlyArray<[string, RegExp]> = [
  'Latin Greek Cyrillic Armenian Hebrew Arabic Syriac Thaana Devanagari Bengali Gurmukhi Gujarati Oriya',
  'Tamil Telugu Kannada Malayalam Sinhala Thai Lao Tibetan Myanmar Georgian Hangul Ethiopic Khmer',
  'Mongolian Hiragana Katakana Bopomofo Han',
]
  .join(' ')
  .split(' ')
  .map((s) => [s, new RegExp(`^\\p{Script=${s}}$`, 'u')]);

/** Script mixes that real names need: Japanese, Chinese (with Bopomofo) and Korean, each with Latin. */
const ALLOWED_MIXES: ReadonlyArray<ReadonlySet<string>> = [
  new Set(['Latin', 'Han', 'Hiragana', 'Katakana']),
  new Set(['Latin', 'Han', 'Bopomofo']),
  new Set(['Latin', 'Han', 'Hangul']),
];

function scriptOf(ch: string): string {
  if (/^[\p{Script=Common}\p{Script=Inherited}]$/u.test(ch)) return 'Common';
  return SCRIPTS.find(([, re]) => re.test(ch))?.[0] ?? 'Unsupported';
}

function singleScript(part: string): boolean {
  const scripts = new Set([...part].map(scriptOf));
  scripts.delete('Common');
  if (scripts.has('Unsupported')) return false;
  if (scripts.size <= 1) return true;
  return ALLOWED_MIXES.some((mix) => [...scripts].every((s) => mix.has(s)));
}

function checkLocal(local: string): void {
  const dots = local.startsWith('.') || local.endsWith('.') || local.includes('..');
  if (!LOCAL.test(local) || dots || !singleScript(local)) throw new InvalidEmail();
}

function checkDomain(domain: string): void {
  const labels = domain.split('.');
  const last = labels.at(-1) ?? '';
  if (domain.length > 253 || labels.length < 2 || /^\d+$/.test(last)) throw new InvalidEmail();
  if (!labels.every((l) => LABEL.test(l) && singleScript(l))) throw new InvalidEmail();
}

/** The uniqueness key; see the decisions above. */
function keyOf(email: string): string {
  return email.toLowerCase().normalize('NFKC').replaceAll('ς', 'σ');
}

/** The start of an e-mail key, for searching by what an address begins with (as the key compares). */
export function emailKeyPrefix(prefix: string): string {
  return keyOf(prefix.trim().normalize('NFKC'));
}

export function normaliseEmail(input: string): { email: string; emailKey: string } {
  if (typeof input !== 'string' || input.length > 1000) throw new InvalidEmail();
  const trimmed = input.trim();
  const email = trimmed.normalize('NFKC');
  if (INVISIBLE.test(trimmed) || INVISIBLE.test(email) || email.length > 254) throw new InvalidEmail();
  const parts = email.split('@');
  if (parts.length !== 2) throw new InvalidEmail();
  const [local = '', domain = ''] = parts;
  checkLocal(local);
  checkDomain(domain);
  const emailKey = keyOf(email);
  if (emailKey.split('@').length !== 2) throw new InvalidEmail();
  return { email, emailKey };
}
