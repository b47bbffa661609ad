import type { Config } from '../config/config.ts';
import type { InvalidClientReason } from '../domain/clients.ts';
import type { DomainError, ErrorCode } from '../domain/errors.ts';
import type { Violation } from '../domain/password-policy.ts';

/**
 * The words for the domain's codes, in one place, for the pages and the CLI alike. The domain
 * itself carries codes only (functions/domain/errors.ts).
 */
export function describeViolation(v: Violation, policy: Config['passwordPolicy']): string {
  switch (v) {
    case 'too_short':
      return `Use at least ${policy.minLength} characters.`;
    case 'too_long':
      return `Use at most ${policy.maxLength} characters.`;
    case 'needs_digit':
      return 'Include at least one digit.';
    case 'needs_upper':
      return 'Include at least one upper-case letter.';
    case 'needs_lower':
      return 'Include at least one lower-case letter.';
    case 'needs_special':
      return 'Include at least one character that is not a letter or digit.';
    case 'common':
      return 'This password is too common; choose one that is harder to guess.';
    case 'contains_email':
      return 'Do not use your e-mail address in your password.';
  }
}

const INVALID_CLIENT: Record<InvalidClientReason, string> = {
  redirect_uri_not_absolute: 'not an absolute URL',
  redirect_uri_fragment: 'a redirect URI must not have a fragment',
  redirect_uri_credentials: 'a redirect URI must not carry credentials',
  redirect_uri_scheme: 'a redirect URI must use https (http only on loopback)',
  role_name: 'invalid role name (a letter, then letters, digits, _ . : -; at most 64)',
  client_id_format: 'a client id is 3-64 letters, digits, _ . -',
  client_id_reserved: 'this client id is reserved',
  no_grant: 'give at least one redirect URI or the client_credentials grant',
  public_client_credentials: 'public clients cannot use client_credentials',
};

const GENERIC: Record<ErrorCode, string> = {
  not_found: 'No such thing exists, or you may not see it.',
  email_taken: 'This e-mail address is already in use.',
  invalid_email: 'This is not an e-mail address Sesame accepts.',
  weak_password: 'The password does not meet the password policy.',
  unknown_role: 'The app has no such role.',
  invalid_client: 'The app registration is not acceptable.',
  client_exists: 'An app with this id exists already.',
  already_enrolled: 'An authenticator app is already set up.',
  forbidden: 'You may not do this.',
};

/** One sentence for a domain error, with its detail worded where there is one. */
export function describeError(err: DomainError, policy: Config['passwordPolicy']): string {
  const withDetail = err as DomainError & {
    violations?: Violation[];
    reason?: InvalidClientReason;
    value?: string;
  };
  if (err.code === 'weak_password' && withDetail.violations)
    return withDetail.violations.map((v) => describeViolation(v, policy)).join(' ');
  if (err.code === 'invalid_client' && withDetail.reason) {
    const text = INVALID_CLIENT[withDetail.reason];
    return withDetail.value ? `${text}: ${withDetail.value}` : text;
  }
  if (err.code === 'not_found' && err.detail) return `No such ${err.detail.replace('_', '-')}.`;
  if (err.code === 'unknown_role' && err.detail) return `The app has no role ${err.detail}.`;
  if (err.code === 'client_exists' && err.detail) return `An app with the id ${err.detail} exists already.`;
  return GENERIC[err.code];
}
