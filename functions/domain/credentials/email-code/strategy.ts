import { randomInt, timingSafeEqual } from 'node:crypto';
import { DEFAULT_LOCALE, type Locale, loadMessages } from '../../../i18n/index.ts';
import type { DomainDeps } from '../../deps.ts';
import { audit, auditTenant, tenantOfUser } from '../../deps.ts';
import { letter } from '../../letters.ts';
import type { Credential } from '../../ports.ts';
import { digits, type SecondStep } from '../strategy.ts';

/**
 * E-mailed one-time codes: 6 digits from a CSPRNG, stored as an HMAC, single use, valid
 * config.mfa.emailCodeTtlSeconds, at most emailMaxTries wrong tries per sign-in, bound to the
 * interaction they were sent for. A resend replaces (invalidates) the previous code but keeps the
 * failure count, and is rate-limited. E-mail is the weaker factor (NIST SP 800-63B-4 §3.1.3.1):
 * `strong` is false, and the acr says so.
 */
const hashOf = (deps: DomainDeps, uid: string, code: string) => deps.box.digest(`email:${uid}:${code}`);

/** The user's opt-in: one credential item `{ enabled, createdAt }`; no secret (the codes are per sign-in). */
const REF = { type: 'email', key: '' } as const;

export function emailCodesOn(credentials: readonly Credential[]): boolean {
  return credentials.some((c) => c.type === 'email' && c.data.enabled === true);
}

export const emailCode: SecondStep = {
  method: 'email',
  step: 'second',
  // RFC 8176 has no value for e-mail; the code is a one-time password, so the acr tells them apart.
  amr: ['otp'],
  strength: 'any',
  // Offered by the configuration and switched on by the user (or an administrator).
  usableIn: (config, credentials) => config.mfa.factors.includes('email') && emailCodesOn(credentials),
  status: (credentials) => ({ on: emailCodesOn(credentials) }),
  async verify(deps, { userId, uid, code }) {
    const { emailMaxTries: max } = deps.config.mfa;
    const challenge = await deps.signIns.getEmailChallenge(uid);
    const now = deps.clock.now().getTime();
    if (
      !challenge ||
      challenge.userId !== userId ||
      challenge.failures >= max ||
      challenge.expiresAt <= now
    ) {
      return false;
    }
    const token = digits(code, 6);
    const hash = token === null ? '' : await hashOf(deps, uid, token);
    const a = Buffer.from(hash);
    const b = Buffer.from(challenge.codeHash);
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      await deps.signIns.countEmailFailure(uid, max);
      return false;
    }
    return deps.signIns.consumeEmailChallenge(uid, hash, now, max);
  },
  async remove(deps, userId) {
    await deps.credentials.delete(userId, REF);
  },
};

export type SendOutcome = { ok: true } | { ok: false; reason: 'too_soon' | 'hourly_limit' | 'not_enabled' };

/** Sends a new code for sign-in `uid` to the user's address, within the resend limits. */
export async function sendEmailCode(
  deps: DomainDeps,
  input: {
    uid: string;
    user: { id: string; email: string; tenantId: string; admin?: string };
    /** The user's credentials when the caller has just read them (saves reading them again). */
    credentials?: readonly Credential[];
    /** The language of the sign-in, for the e-mail. */
    locale?: Locale;
  },
): Promise<SendOutcome> {
  const { mfa } = deps.config;
  const credentials = input.credentials ?? (await deps.credentials.list(input.user.id));
  if (!emailCode.usableIn(deps.config, credentials)) return { ok: false, reason: 'not_enabled' };
  const now = deps.clock.now().getTime();
  const previous = await deps.signIns.getEmailChallenge(input.uid);
  if (previous && previous.userId !== input.user.id) return { ok: false, reason: 'not_enabled' };
  if (previous && now - previous.sentAt < mfa.emailResendSeconds * 1000)
    return { ok: false, reason: 'too_soon' };
  const recent = (previous?.sends ?? []).filter((t) => now - t < 3600_000);
  if (recent.length >= mfa.emailMaxSendsPerHour) return { ok: false, reason: 'hourly_limit' };
  // Per user too, across sign-ins: fresh sign-ins must not each mail a code (e-mail bombing).
  if (!(await deps.signIns.reserveEmailSend(input.user.id, now, mfa.emailMaxSendsPerUserHour)))
    return { ok: false, reason: 'hourly_limit' };

  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const written = await deps.signIns.putEmailChallenge(
    {
      uid: input.uid,
      userId: input.user.id,
      codeHash: await hashOf(deps, input.uid, code),
      sentAt: now,
      expiresAt: now + mfa.emailCodeTtlSeconds * 1000,
      failures: previous?.failures ?? 0,
      sends: [...recent, now],
    },
    previous?.sentAt ?? null,
  );
  if (!written) return { ok: false, reason: 'too_soon' }; // a concurrent resend won
  await deps.mailer.send(await codeMessage(input.user.email, code, mfa.emailCodeTtlSeconds, input.locale));
  await audit(deps, {
    type: 'mfa.email_code.sent',
    outcome: 'success',
    actor: input.user.id,
    target: input.user.id,
    tenant: auditTenant(input.user),
  });
  return { ok: true };
}

/** Says what the code is for, carries no link and no tracking, and keeps the code out of the subject. */
async function codeMessage(to: string, code: string, ttlSeconds: number, locale: Locale = DEFAULT_LOCALE) {
  const t = (await loadMessages(locale)).mail;
  const minutes = Math.round(ttlSeconds / 60);
  return letter(to, t.codeSubject, [
    t.codeIntro,
    { text: t.code, values: { code } },
    { text: t.codeValid, values: { minutes } },
    t.codeNotYou,
  ]);
}

export async function setEmailCodes(
  deps: DomainDeps,
  input: { userId: string; enabled: boolean; actor: string },
): Promise<void> {
  if (input.enabled)
    await deps.credentials.put(input.userId, {
      ...REF,
      data: { enabled: true, createdAt: deps.clock.now().getTime() },
    });
  else await deps.credentials.delete(input.userId, REF);
  await audit(deps, {
    type: input.enabled ? 'mfa.email_codes.enabled' : 'mfa.email_codes.disabled',
    outcome: 'success',
    actor: input.actor,
    target: input.userId,
    tenant: await tenantOfUser(deps, input.userId),
  });
}
