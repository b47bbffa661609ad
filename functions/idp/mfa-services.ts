import { sendEmailCode } from '../domain/mfa/email-code.ts';
import type { MfaDeps } from '../domain/mfa/factor.ts';
import { regenerateRecoveryCodes } from '../domain/mfa/recovery-codes.ts';
import {
  requirementFor,
  requirementForId,
  usableMethods,
  verifySecondFactor,
} from '../domain/mfa/sign-in.ts';
import { beginTotpEnrolment, confirmTotpEnrolment } from '../domain/mfa/totp.ts';
import type { MfaServices } from '../interactions/services.ts';
import { requestedStrength } from '../oidc/acr.ts';
import type { PolicyStrength } from '../oidc/session-check.ts';

/** Glue between the MFA pages and the domain: no rules here beyond picking the domain call. */
export function mfaServices(deps: MfaDeps): MfaServices {
  const userOf = async (userId: string) => {
    const user = await deps.users.findById(userId);
    if (!user || user.disabled) throw new Error('user vanished during sign-in');
    return user;
  };
  /**
   * What policy demands of this sign-in. After a password sign-in the user was read a moment ago,
   * by the attempt claim (which refused a disabled user): it is reused instead of read again.
   * Step-up passes only the session's user id; that user is read alongside the other inputs.
   */
  const requirementOf = async (input: Parameters<MfaServices['begin']>[0]) => {
    const requested = requestedStrength(input.acrValues);
    const { userId, clientId } = input;
    if (!input.user) {
      const found = await requirementForId(deps, { userId, clientId, requested });
      if (!found || found.user.disabled) throw new Error('user vanished during sign-in');
      return found.requirement;
    }
    if (input.user.id !== userId || input.user.disabled) throw new Error('user vanished during sign-in');
    return requirementFor(deps, { user: input.user, clientId, requested });
  };
  return {
    async begin(input) {
      const requirement = await requirementOf(input);
      if (!requirement.required) return 'done';
      await deps.signIns.putPending({
        uid: input.uid,
        userId: input.userId,
        remember: input.remember,
        expiresAt: input.expiresAt,
        strength: requirement.strength,
        stepUp: input.stepUp,
      });
      return 'mfa';
    },
    async pending(uid) {
      const pending = await deps.signIns.getPending(uid);
      // Expiry is checked on read: TTL deletion is only tidying up.
      return pending && pending.expiresAt > deps.clock.now().getTime() ? pending : null;
    },
    async screen(pending) {
      const [user, methods] = await Promise.all([
        userOf(pending.userId),
        usableMethods(deps, pending.userId, pending.strength),
      ]);
      const needsEnrolment = methods.length === 0 && !pending.passed;
      return {
        userEmail: user.email,
        methods,
        enrolment: needsEnrolment ? await beginTotpEnrolment(deps, user) : null,
      };
    },
    async verify(pending, method, code, info) {
      const context = { ip: info.ip, userAgent: info.userAgent, clientId: info.clientId };
      return (await verifySecondFactor(deps, { pending, method, code, context })).ok;
    },
    async sendEmailCode(pending) {
      const user = await userOf(pending.userId);
      if (pending.strength === 'strong') return 'refused';
      const outcome = await sendEmailCode(deps, { uid: pending.uid, user });
      if (outcome.ok) return 'sent';
      return outcome.reason === 'not_enabled' ? 'refused' : 'too_soon';
    },
    async confirmEnrolment(pending, code) {
      // No lockout count here: the secret is on the user's screen, there is nothing to guess.
      if (!(await confirmTotpEnrolment(deps, { userId: pending.userId, code, actor: pending.userId })))
        return null;
      if (!(await deps.signIns.markPassed(pending.uid, 'totp'))) return null;
      return regenerateRecoveryCodes(deps, { userId: pending.userId, actor: pending.userId });
    },
    async finish(uid) {
      await deps.signIns.deletePending(uid);
    },
  };
}

/** For the provider's step-up check: what policy alone (no acr_values) demands of a session. */
export function policyStrength(deps: MfaDeps): PolicyStrength {
  return async (userId, clientId, user) => {
    const found = await requirementForId(deps, { userId, clientId, requested: null, user });
    return found?.requirement.required ? found.requirement.strength : null;
  };
}
