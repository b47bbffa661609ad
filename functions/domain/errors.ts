/**
 * The one catalogue of what the domain refuses, as codes. No user-facing text lives here: the web
 * layer maps a code to a status and a page (functions/http/error-pages.ts), the CLI to an exit status
 * and a message (functions/cli/errors.ts), and both word details through functions/shared/messages.ts.
 */
export type ErrorCode =
  /** A user, app or sign-in that does not exist (any more), or that the actor may not see. */
  | 'not_found'
  | 'email_taken'
  | 'invalid_email'
  /** A password that breaks the policy; `violations` says which rules. */
  | 'weak_password'
  /** The app exists but defines no such role (MxID: roles belong to one app). */
  | 'unknown_role'
  /** A client registration that is not acceptable; `reason` says why. */
  | 'invalid_client'
  | 'client_exists'
  /** An authenticator is already set up (enrolment raced another one). */
  | 'already_enrolled'
  /** The actor may not do this (administration: `authorize`). */
  | 'forbidden'
  | 'tenant_exists'
  | 'connection_exists'
  /** The e-mail domain is claimed by another tenant. */
  | 'domain_taken'
  /** A tenant or connection setting that is not acceptable; `detail` is an InvalidSettingReason. */
  | 'invalid_setting';

export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    /** A machine-readable detail for logs and message catalogues (never a secret), e.g. a reason code. */
    readonly detail?: string,
  ) {
    super(detail ? `${code}: ${detail}` : code);
  }
}

export function isDomainError(err: unknown, code?: ErrorCode): err is DomainError {
  return err instanceof DomainError && (code === undefined || err.code === code);
}
