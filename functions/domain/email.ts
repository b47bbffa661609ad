/**
 * E-mail addresses as identifiers. The key used for uniqueness and look-up is NFKC-normalised and
 * lower-cased, so "Anna@Example.com" and "anna@example.com" (or a fullwidth "ａｎｎａ") are one
 * account. Invisible and bidirectional-control characters are refused outright: they let two
 * addresses look identical on screen while differing in bytes.
 */
export class InvalidEmail extends Error {
  override name = 'InvalidEmail';
}

// Default-ignorable/format characters (Cf), controls (Cc), and bidi overrides/isolates.
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u00a0\u2000-\u200a\u202f\u205f\u3000]/u;
const LOCAL = /^[\p{L}\p{N}._%+'-]{1,64}$/u;
const LABEL = /^(?!-)[\p{L}\p{N}-]{1,63}(?<!-)$/u;

export function normaliseEmail(input: string): { email: string; emailKey: string } {
  if (typeof input !== 'string' || input.length > 320) throw new InvalidEmail();
  const email = input.trim().normalize('NFKC');
  if (email.length > 254 || FORBIDDEN.test(email) || /\s/u.test(email)) throw new InvalidEmail();
  const parts = email.split('@');
  if (parts.length !== 2) throw new InvalidEmail();
  const [local = '', domain = ''] = parts;
  if (!LOCAL.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..'))
    throw new InvalidEmail();
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) throw new InvalidEmail();
  return { email, emailKey: email.toLowerCase() };
}
