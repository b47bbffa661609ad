import { sendEmailCode } from '../domain/mfa/email-code.ts';
import type { MfaDeps } from '../domain/mfa/factor.ts';
import { regenerateRecoveryCodes } from '../domain/mfa/recovery-codes.ts';
import { requirementFor, usableMethods, verifySecondFactor } from '../domain/mfa/sign-in.ts';
import { beginTotpEnrolment, confirmTotpEnrolment } from '../domain/mfa/totp.ts';
import type { MfaServices } from '../interactions/services.ts';
import { requestedStrength } from '../oidc/acr.ts';

/** Glue between the MFA pages and the domain: no rules here beyond picking the domain call. */
export function mfaServices(deps: MfaDeps): MfaServices {
  const userOf = async (userId: string) => {
    const user = await deps.users.findById(userId);
    if (!user || user.disabled) throw new Error('user vanished during sign-in');
    return user;
  };
  return {
    async begin(input) {
      const user = await userOf(input.userId);
      const requirement = await requirementFor(deps, {
        user,
        clientId: input.clientId,
        requested: requestedStrength(input.acrValues),
      });
      if (!requirement.required) return 'done';
      await deps.signIns.putPending({
        uid: input.uid,
        userId: user.id,
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
      const user = await userOf(pending.userId);
      const methods = await usableMethods(deps, user.id, pending.strength);
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
export function policyStrength(deps: MfaDeps) {
  return async (userId: string, clientId: string) => {
    const user = await deps.users.findById(userId);
    if (!user) return null;
    const requirement = await requirementFor(deps, { user, clientId, requested: null });
    return requirement.required ? requirement.strength : null;
  };
}
