import type { DomainDeps } from '../domain/deps.ts';
import { isDomainError } from '../domain/errors.ts';
import {
  completePasswordReset,
  requestPasswordReset,
  resetNeedsFactor,
  verifyResetCode,
} from '../domain/password-reset.ts';
import type { ResetServices } from '../interactions/services.ts';

/** "Forgot your password?" (domain/password-reset.ts), loaded by the first reset (parts.ts). */
export function resetServices(deps: DomainDeps): ResetServices {
  return {
    async request({ info, ...input }) {
      try {
        return await requestPasswordReset(deps, { ...input, context: info });
      } catch (err) {
        if (isDomainError(err, 'invalid_email')) return 'invalid_email';
        throw err;
      }
    },
    verify: (input) => verifyResetCode(deps, input),
    needsFactor: (uid) => resetNeedsFactor(deps, uid),
    async complete({ info, ...input }) {
      const outcome = await completePasswordReset(deps, { ...input, context: info });
      if (outcome.ok) return { ok: true, email: outcome.user.email };
      return outcome;
    },
  };
}
