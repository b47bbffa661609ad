import { randomUUID } from 'node:crypto';
import { stronger } from '../config/methods.ts';
import { brandOf } from '../domain/branding.ts';
import { sendEmailCode } from '../domain/credentials/email-code/strategy.ts';
import { passkeySignInOptions } from '../domain/credentials/passkey/strategy.ts';
import { regenerateRecoveryCodes } from '../domain/credentials/recovery-codes/strategy.ts';
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
  TotpAlreadyEnrolled,
} from '../domain/credentials/totp/strategy.ts';
import type { AttemptContext, DomainDeps } from '../domain/deps.ts';
import { notifyUser } from '../domain/mfa/notify.ts';
import {
  livePending,
  meets,
  methodsIn,
  offeredMethods,
  requirementFor,
  requirementForId,
  stillEnrolling,
  strongestFactor,
  verifySecondFactor,
} from '../domain/mfa/sign-in.ts';
import { NotFound, type PendingSignIn } from '../domain/ports.ts';
import type { MfaServices, RequestInfo, SignInRequest } from '../interactions/services.ts';
import { requestedStrength } from '../oidc/acr.ts';
import type { PolicyStrength } from '../oidc/session-check.ts';

/** The owner of the authenticator enrolment a sign-in offers: that sign-in and no other. */
const enrolmentOwner = (pending: PendingSignIn) => `signin:${pending.id}`;

const contextOf = (info: RequestInfo): AttemptContext => ({
  ip: info.ip,
  userAgent: info.userAgent,
  clientId: info.clientId,
});

/** Glue between the MFA pages and the domain: picks the domain call, holds no rules of its own. */
export function mfaServices(deps: DomainDeps): MfaServices {
  const userOf = async (userId: string) => {
    const user = await deps.users.findById(userId);
    if (!user || user.disabled) throw new NotFound('user');
    return user;
  };
  /**
   * What policy demands of this sign-in, with the user's factors. After a password sign-in the user
   * was read a moment ago by the attempt claim (which refused a disabled user) and is reused.
   * Step-up passes only the session's user id; that user is read alongside the other inputs.
   */
  const decide = async (input: SignInRequest) => {
    const requested = requestedStrength(input.acrValues);
    const { userId, clientId } = input;
    if (!input.user) {
      const found = await requirementForId(deps, { userId, clientId, requested });
      if (!found || found.user.disabled) throw new NotFound('user');
      return found;
    }
    if (input.user.id !== userId || input.user.disabled) throw new NotFound('user');
    return requirementFor(deps, { user: input.user, clientId, requested });
  };
  return {
    async secondStep(input) {
      const { requirement, factors } = await decide(input);
      // Enrolment during sign-in only for a user with no factor at all: one with any factor must
      // pass it (and is refused afterwards if it is too weak), never enrol past it.
      const enrol = methodsIn(deps.config, factors, 'any').length === 0;
      if (input.provesAccount && !enrol) {
        const strongest = strongestFactor(deps.config, factors) ?? 'any';
        const strength = stronger(strongest, requirement.required ? requirement.strength : 'any');
        return { required: true, strength, enrol: false };
      }
      if (!requirement.required) return { required: false };
      return { required: true, strength: requirement.strength, enrol };
    },
    async begin(input) {
      const stored = await deps.signIns.putPending({
        uid: input.uid,
        id: randomUUID(),
        userId: input.userId,
        remember: input.remember,
        expiresAt: input.expiresAt,
        strength: input.step.strength,
        enrol: input.step.enrol,
        stepUp: input.stepUp,
        ...(input.first === 'federation' ? { first: 'federation' as const } : {}),
        ...(input.linking ? { linking: true as const } : {}),
        ...(input.invitation ? { invitation: input.invitation } : {}),
        ...(input.credentialsChangedAt !== undefined
          ? { credentialsChangedAt: input.credentialsChangedAt }
          : {}),
      });
      return stored ? 'mfa' : 'taken';
    },
    pending: (uid) => livePending(deps, uid),
    async screen(pending) {
      const [user, factors] = await Promise.all([
        userOf(pending.userId),
        deps.credentials.list(pending.userId),
      ]);
      if (stillEnrolling(deps.config, pending, factors)) {
        try {
          const enrolment = await beginTotpEnrolment(deps, user, enrolmentOwner(pending));
          return {
            userEmail: user.email,
            brand: brandOf(await deps.tenantSettings(user.tenantId)),
            methods: [],
            enrolment,
          };
        } catch (err) {
          // Another sign-in or the account page enrolled a moment ago: that factor is asked for now.
          if (!(err instanceof TotpAlreadyEnrolled)) throw err;
          return this.screen(pending);
        }
      }
      return {
        userEmail: user.email,
        brand: brandOf(await deps.tenantSettings(user.tenantId)),
        methods: offeredMethods(deps.config, factors, pending.strength).methods,
        enrolment: null,
      };
    },
    async verify(pending, method, code, info) {
      const outcome = await verifySecondFactor(deps, { pending, method, code, context: contextOf(info) });
      if (!outcome.ok) return outcome.replayed ? 'replayed' : 'wrong';
      return outcome.sufficient ? 'passed' : 'too_weak';
    },
    async passkeyOptions(pending) {
      const factors = await deps.credentials.list(pending.userId);
      // Only where this sign-in offers passkeys (and not once its second step has passed).
      if (
        pending.passed ||
        !offeredMethods(deps.config, factors, pending.strength).methods.includes('passkey')
      )
        return null;
      return passkeySignInOptions(deps, { userId: pending.userId, uid: pending.uid });
    },
    async sendEmailCode(pending, locale) {
      const [user, factors] = await Promise.all([
        userOf(pending.userId),
        deps.credentials.list(pending.userId),
      ]);
      // Only where this sign-in offers e-mail codes (not on a strong step-up of a user with an authenticator).
      if (!offeredMethods(deps.config, factors, pending.strength).methods.includes('email')) return 'refused';
      const outcome = await sendEmailCode(deps, { uid: pending.uid, user, credentials: factors, locale });
      if (outcome.ok) return 'sent';
      return outcome.reason === 'not_enabled' ? 'refused' : outcome.reason;
    },
    async confirmEnrolment(pending, code, info, locale) {
      const context = contextOf(info);
      const [user, factors] = await Promise.all([
        userOf(pending.userId),
        deps.credentials.list(pending.userId),
      ]);
      if (!stillEnrolling(deps.config, pending, factors)) return 'closed';
      const owner = enrolmentOwner(pending);
      if (!(await confirmTotpEnrolment(deps, { userId: user.id, code, owner, actor: user.id, context })))
        return 'wrong';
      if (!(await deps.signIns.markPassed(pending, 'totp', 'strong'))) return 'wrong';
      const codes = await regenerateRecoveryCodes(deps, { userId: user.id, actor: user.id });
      await notifyUser(deps, user, 'totpAdded', { context, locale });
      return { codes };
    },
    strongEnough(pending) {
      return meets(pending.proven, pending.strength);
    },
    finish(pending) {
      return deps.signIns.finishPending(pending);
    },
  };
}

/** For the provider's step-up check: what policy alone (no acr_values) demands of a session. */
export function policyStrength(deps: DomainDeps): PolicyStrength {
  return async (userId, clientId, user) => {
    const found = await requirementForId(deps, { userId, clientId, requested: null, user });
    return found?.requirement.required ? found.requirement.strength : null;
  };
}
