import { randomInt } from 'node:crypto';
import { DEFAULT_LOCALE, type Locale, loadMessages } from '../i18n/index.ts';
import { isLocked } from './accounts.ts';
import { secondStep } from './credentials/registry.ts';
import { type AttemptContext, audit, auditTenant, type DomainDeps } from './deps.ts';
import { normaliseEmail } from './email.ts';
import { letter, type Paragraph } from './letters.ts';
import { notifyUser } from './mfa/notify.ts';
import { methodsIn } from './mfa/sign-in.ts';
import { argon2Hasher } from './password-hash.ts';
import { checkPassword, type Violation } from './password-policy.ts';
import type { PasswordReset, User } from './ports.ts';

/**
 * "Forgot your password?" within a sign-in (the interaction `uid`): an e-mailed code, then a new
 * password under the policy — and, for an account protected by an authenticator, that authenticator
 * (or a recovery code) too: a mailbox alone must not take an account over. The reset ends every
 * session and refresh token and lifts a lockout, as an administrator's reset does.
 *
 * Asking looks the same whatever the address: every request sends exactly one e-mail (with the code;
 * or saying that no account uses the address, or that the organisation signs its people in
 * elsewhere) and stores one record, so neither the page, its status nor its timing tells who has an
 * account. Limits: one code per sign-in a minute, five e-mails per address an hour, five wrong codes
 * (or second factors) per code, 30 minutes — within the sign-in's own lifetime. The e-mails are in
 * `locale`, the sign-in's language.
 */
export const RESET_TTL_MS = 30 * 60 * 1000;
export const RESET_MAX_FAILURES = 5;
const RESEND_AFTER_MS = 60 * 1000;
const MAILS_PER_ADDRESS_HOUR = 5;

const hashOf = (deps: DomainDeps, uid: string, code: string) =>
  deps.box.digest(`password-reset\0${uid}\0${code}`);

type Situation = 'resettable' | 'elsewhere' | 'disabled' | 'none';

/** What may be done with the account behind an address, for the e-mail to say. */
async function situationOf(deps: DomainDeps, user: User | null): Promise<Situation> {
  if (!user) return 'none';
  if (user.disabled) return 'disabled';
  if ((await deps.tenantSettings(user.tenantId))?.federationOnly) return 'elsewhere';
  // An account that signs in through an upstream only gets no Sesame password by e-mail.
  if (user.passwordHash === null && (await deps.links.byUser(user.id)).length > 0) return 'elsewhere';
  return 'resettable';
}

export async function requestPasswordReset(
  deps: DomainDeps,
  input: {
    uid: string;
    email: string;
    interactionExpiresAt: number;
    context?: AttemptContext;
    locale?: Locale;
  },
): Promise<'sent' | 'too_soon'> {
  const { email, emailKey } = normaliseEmail(input.email);
  const now = deps.clock.now().getTime();
  const previous = await deps.signIns.getReset(input.uid);
  if (previous && previous.sentAt + RESEND_AFTER_MS > now) return 'too_soon';
  const user = await deps.users.findByEmailKey(emailKey);
  const situation = await situationOf(deps, user);
  const code = String(randomInt(0, 100_000_000)).padStart(8, '0');
  const reset: PasswordReset = {
    uid: input.uid,
    userId: situation === 'resettable' && user ? user.id : null,
    codeHash: await hashOf(deps, input.uid, code),
    sentAt: now,
    expiresAt: Math.min(now + RESET_TTL_MS, input.interactionExpiresAt),
    failures: 0,
    verified: false,
  };
  if (!(await deps.signIns.putReset(reset, previous?.sentAt ?? null))) return 'too_soon';
  // The per-address budget is spent whether or not an account exists: the same work either way.
  const budget = `reset:${await deps.box.digest(`reset-address\0${emailKey}`)}`;
  const allowed = await deps.signIns.reserveEmailSend(budget, now, MAILS_PER_ADDRESS_HOUR);
  await audit(
    deps,
    {
      type: 'password.reset_requested',
      outcome: allowed ? 'success' : 'failure',
      actor: 'anonymous',
      ...(user ? { target: user.id } : {}),
      tenant: user ? auditTenant(user) : null,
      ...(allowed ? {} : { reason: 'address_budget' }),
      details: { situation },
    },
    input.context,
  );
  if (allowed) await deps.mailer.send(await resetMail(user?.email ?? email, situation, code, input.locale));
  return 'sent';
}

export type CodeCheck = 'ok' | 'wrong' | 'expired';

/** The e-mailed code, entered: right once, then the new password may be chosen. */
export async function verifyResetCode(
  deps: DomainDeps,
  input: { uid: string; code: string },
): Promise<CodeCheck> {
  const now = deps.clock.now().getTime();
  const reset = await deps.signIns.getReset(input.uid);
  if (!reset || reset.expiresAt <= now || reset.failures >= RESET_MAX_FAILURES) return 'expired';
  const code = input.code.replace(/\s/g, '');
  if (/^\d{8}$/.test(code)) {
    const hash = await hashOf(deps, input.uid, code);
    if (await deps.signIns.verifyReset(input.uid, hash, now, RESET_MAX_FAILURES)) return 'ok';
  }
  return (await deps.signIns.countResetFailure(input.uid, RESET_MAX_FAILURES)) ? 'wrong' : 'expired';
}

/** Whether the account needs its authenticator (or a recovery code) to take the new password. */
export async function resetNeedsFactor(deps: DomainDeps, uid: string): Promise<boolean> {
  const reset = await deps.signIns.getReset(uid);
  if (!reset?.verified || !reset.userId) return false;
  return methodsIn(deps.config, await deps.credentials.list(reset.userId), 'strong').length > 0;
}

export type ResetOutcome =
  | { ok: true; user: User }
  | { ok: false; reason: 'expired' | 'factor_needed' | 'wrong_factor' }
  | { ok: false; reason: 'weak_password'; violations: Violation[] };

/**
 * The new password, after a verified code: with the account's authenticator or a recovery code
 * when it has one (wrong ones count against the reset, which dies after five), under the policy.
 * Single use: of two concurrent completions one wins.
 */
export async function completePasswordReset(
  deps: DomainDeps,
  input: {
    uid: string;
    password: string;
    factor?: { method: string; code: string };
    context?: AttemptContext;
    locale?: Locale;
  },
): Promise<ResetOutcome> {
  const now = deps.clock.now().getTime();
  const reset = await deps.signIns.getReset(input.uid);
  const expired = { ok: false, reason: 'expired' } as const;
  if (!reset?.verified || !reset.userId || reset.expiresAt <= now || reset.failures >= RESET_MAX_FAILURES)
    return expired;
  const user = await deps.users.findById(reset.userId);
  if (!user || user.disabled) return expired;
  const strong = methodsIn(deps.config, await deps.credentials.list(user.id), 'strong');
  if (strong.length > 0) {
    if (!input.factor?.code) return { ok: false, reason: 'factor_needed' };
    const factor = strong.includes(input.factor.method as never)
      ? secondStep(input.factor.method)
      : undefined;
    const right =
      factor !== undefined &&
      (await factor.verify(deps, { userId: user.id, uid: input.uid, code: input.factor.code })) === true;
    if (!right) {
      await deps.signIns.countResetFailure(input.uid, RESET_MAX_FAILURES);
      await audit(
        deps,
        {
          type: 'password.reset_failure',
          outcome: 'failure',
          actor: user.id,
          target: user.id,
          tenant: auditTenant(user),
          reason: 'bad_second_factor',
        },
        input.context,
      );
      return { ok: false, reason: 'wrong_factor' };
    }
  }
  const violations = checkPassword(input.password, deps.config.passwordPolicy, user.email);
  if (violations.length) return { ok: false, reason: 'weak_password', violations };
  if (!(await deps.signIns.takeReset(input.uid, user.id, now))) return expired;
  const hasher = deps.hasher ?? argon2Hasher;
  // Lifts a lockout and ends every session and refresh token from before (credentialsChangedAt).
  await deps.users.setPassword(user.id, await hasher.hash(input.password, deps.config.argon2), now);
  const event = { outcome: 'success', actor: user.id, target: user.id, tenant: auditTenant(user) } as const;
  await audit(deps, { type: 'password.reset', ...event, reason: 'self_service' }, input.context);
  if (isLocked(user, now))
    await audit(deps, { type: 'account.unlocked', ...event, reason: 'self_service' }, input.context);
  await notifyUser(deps, user, 'passwordReset', {
    ...(input.context ? { context: input.context } : {}),
    ...(input.locale ? { locale: input.locale } : {}),
  });
  return { ok: true, user };
}

/** One e-mail per request, whatever the address: the code, or why there is none. */
async function resetMail(to: string, situation: Situation, code: string, locale: Locale = DEFAULT_LOCALE) {
  const t = (await loadMessages(locale)).mail;
  const minutes = RESET_TTL_MS / 60_000;
  const paragraphs: Record<Situation, Paragraph[]> = {
    resettable: [
      t.resetIntro,
      { text: t.resetCode, values: { code } },
      { text: t.resetValid, values: { minutes } },
      t.resetIgnore,
    ],
    elsewhere: [t.resetIntro, t.resetElsewhere, t.resetElsewhereHow],
    disabled: [t.resetIntro, t.resetDisabled],
    none: [t.resetNoneIntro, t.resetNone],
  };
  return letter(to, t.resetSubject, paragraphs[situation]);
}
