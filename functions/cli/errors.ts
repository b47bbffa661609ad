import { type Config, ConfigError } from '../config/config.ts';
import { DomainError, type ErrorCode } from '../domain/errors.ts';
import { describeError } from '../shared/messages.ts';
import { UsageError } from './commands.ts';

/** The CLI's one mapping from what went wrong to an exit status: 1 refused, 2 bad usage, 3 failed. */
const EXIT: Record<ErrorCode, 1 | 2> = {
  not_found: 1,
  email_taken: 1,
  invalid_email: 2,
  weak_password: 1,
  unknown_role: 1,
  invalid_client: 2,
  client_exists: 1,
  already_enrolled: 1,
  forbidden: 1,
  tenant_exists: 1,
  connection_exists: 1,
  domain_taken: 1,
  invalid_setting: 2,
};

export function exitFor(
  err: unknown,
  policy: Config['passwordPolicy'] | null,
): { status: 1 | 2 | 3; error: string; message: string } {
  // The operator's environment is invalid: its message names the variable, never a secret value.
  if (err instanceof ConfigError) return { status: 2, error: 'configuration', message: err.message };
  if (err instanceof DomainError && (err.code !== 'weak_password' || policy))
    return {
      status: EXIT[err.code],
      error: err.code,
      message: describeError(err, policy as Config['passwordPolicy']),
    };
  // node:util parseArgs reports unknown or malformed options as a TypeError with a code.
  if (err instanceof UsageError || (err instanceof TypeError && 'code' in err))
    return { status: 2, error: 'usage', message: err.message };
  // Anything else is not the operator's doing (the store is down, say): name only, no internals.
  return { status: 3, error: 'failed', message: err instanceof Error ? err.name : 'unknown error' };
}
