import type { Config } from '../config/config.ts';
import { commonPasswords } from './common-passwords.ts';
import { DomainError } from './errors.ts';

export type PasswordPolicy = Config['passwordPolicy'];

/** One code per broken rule; the pages and the CLI turn each into one clear sentence (shared/messages.ts). */
export type Violation =
  | 'too_short'
  | 'too_long'
  | 'needs_digit'
  | 'needs_upper'
  | 'needs_lower'
  | 'needs_special'
  | 'common'
  | 'contains_email';

export class PolicyViolation extends DomainError {
  override name = 'PolicyViolation';
  constructor(readonly violations: Violation[]) {
    super('weak_password', violations.join(','));
  }
}

/**
 * NIST SP 800-63B: length counts Unicode code points after NFKC, every printable character and
 * spaces are allowed, common passwords are refused; Mendix-style composition rules exist but are
 * off by default.
 */
export function checkPassword(password: string, policy: PasswordPolicy, email?: string): Violation[] {
  const normalised = password.normalize('NFKC');
  const length = [...normalised].length;
  const out: Violation[] = [];
  if (length < policy.minLength) out.push('too_short');
  if (length > policy.maxLength) out.push('too_long');
  if (policy.requireDigit && !/\p{Nd}/u.test(normalised)) out.push('needs_digit');
  if (policy.requireUpper && !/\p{Lu}/u.test(normalised)) out.push('needs_upper');
  if (policy.requireLower && !/\p{Ll}/u.test(normalised)) out.push('needs_lower');
  if (policy.requireSpecial && !/[^\p{L}\p{N}]/u.test(normalised)) out.push('needs_special');
  const lower = normalised.toLowerCase();
  const common = commonPasswords();
  if (common.has(lower) || common.has(lower.replace(/[\s!.]+$/u, ''))) out.push('common');
  // Shorter local parts ("al", "jo") occur inside too many good passphrases to be worth refusing.
  const localPart = email?.normalize('NFKC').toLowerCase().split('@')[0];
  if (localPart && [...localPart].length >= 4 && lower.includes(localPart)) out.push('contains_email');
  return out;
}

export function assertPasswordAllowed(password: string, policy: PasswordPolicy, email?: string): void {
  const violations = checkPassword(password, policy, email);
  if (violations.length) throw new PolicyViolation(violations);
}
