import type {
  EmailChallenge,
  FactorStore,
  FactorSummary,
  Mailer,
  MailMessage,
  PendingRef,
  PendingSignIn,
  SignInStore,
  TotpEnrolmentOwner,
  TotpFactor,
} from '../../domain/ports.ts';

/**
 * In-memory MFA ports for unit tests. Each check-and-set runs without an `await` in between, which
 * on one JavaScript thread is as atomic as the DynamoDB conditional writes it stands in for.
 */
export class MemoryFactorStore implements FactorStore {
  readonly totp = new Map<string, TotpFactor>();
  readonly email = new Set<string>();
  readonly recovery = new Map<string, Set<string>>();
  readonly locks = new Map<string, number>();

  async getTotp(userId: string) {
    const t = this.totp.get(userId);
    return t ? { ...t } : null;
  }
  async putUnconfirmedTotp(userId: string, secretSealed: string, now: number, enrolment: TotpEnrolmentOwner) {
    if (this.totp.get(userId)?.confirmed) return false;
    this.totp.set(userId, { secretSealed, confirmed: false, lastStep: 0, createdAt: now, ...enrolment });
    return true;
  }
  async confirmTotp(userId: string, secretSealed: string, step: number) {
    const t = this.totp.get(userId);
    if (!t || t.confirmed || t.secretSealed !== secretSealed) return false;
    Object.assign(t, { confirmed: true, lastStep: step });
    delete t.owner;
    delete t.enrolUntil;
    return true;
  }
  async acceptTotpStep(userId: string, step: number) {
    const t = this.totp.get(userId);
    if (!t?.confirmed || t.lastStep >= step) return false;
    t.lastStep = step;
    return true;
  }
  async removeTotp(userId: string) {
    this.totp.delete(userId);
  }
  async emailCodesEnabled(userId: string) {
    return this.email.has(userId);
  }
  async setEmailCodes(userId: string, enabled: boolean) {
    if (enabled) this.email.add(userId);
    else this.email.delete(userId);
  }
  async replaceRecoveryCodes(userId: string, hashes: string[]) {
    this.recovery.set(userId, new Set(hashes));
  }
  async useRecoveryCode(userId: string, hash: string) {
    return this.recovery.get(userId)?.delete(hash) ?? false;
  }
  async countRecoveryCodes(userId: string) {
    return this.recovery.get(userId)?.size ?? 0;
  }
  async lockChanges(userId: string, now: number, until: number) {
    if ((this.locks.get(userId) ?? 0) > now) return false;
    this.locks.set(userId, until);
    return true;
  }
  async unlockChanges(userId: string, until: number) {
    if (this.locks.get(userId) === until) this.locks.delete(userId);
  }
  async summary(userId: string): Promise<FactorSummary> {
    return {
      totp: this.totp.get(userId)?.confirmed === true,
      emailCodes: this.email.has(userId),
      recoveryCodesLeft: this.recovery.get(userId)?.size ?? 0,
    };
  }
}

export class MemorySignInStore implements SignInStore {
  readonly pending = new Map<string, PendingSignIn>();
  readonly challenges = new Map<string, EmailChallenge>();
  readonly quota = new Map<string, number>();

  async putPending(p: PendingSignIn) {
    const existing = this.pending.get(p.uid);
    if (existing && (existing.userId !== p.userId || existing.finished)) return false;
    this.pending.set(p.uid, { ...p });
    return true;
  }
  async getPending(uid: string) {
    const p = this.pending.get(uid);
    return p ? { ...p } : null;
  }
  async markPassed(
    ref: PendingRef,
    method: NonNullable<PendingSignIn['passed']>,
    proven: NonNullable<PendingSignIn['proven']>,
  ) {
    const p = this.same(ref);
    if (!p || p.passed) return false;
    Object.assign(p, { passed: method, proven });
    return true;
  }
  async finishPending(ref: PendingRef) {
    const p = this.same(ref);
    if (!p?.passed || p.finished) return false;
    p.finished = true;
    return true;
  }
  async reserveEmailSend(userId: string, now: number, max: number) {
    const key = `${userId}#${Math.floor(now / 3_600_000)}`;
    const sent = this.quota.get(key) ?? 0;
    if (sent >= max) return false;
    this.quota.set(key, sent + 1);
    return true;
  }
  private same(ref: PendingRef) {
    const p = this.pending.get(ref.uid);
    return p && p.id === ref.id && p.userId === ref.userId ? p : undefined;
  }
  async getEmailChallenge(uid: string) {
    const c = this.challenges.get(uid);
    return c ? structuredClone(c) : null;
  }
  async putEmailChallenge(c: EmailChallenge, previousSentAt: number | null) {
    const existing = this.challenges.get(c.uid);
    if ((existing?.sentAt ?? null) !== previousSentAt) return false;
    this.challenges.set(c.uid, structuredClone(c));
    return true;
  }
  async countEmailFailure(uid: string, max: number) {
    const c = this.challenges.get(uid);
    if (!c || c.failures >= max) return false;
    c.failures += 1;
    return true;
  }
  async consumeEmailChallenge(uid: string, codeHash: string, now: number, max: number) {
    const c = this.challenges.get(uid);
    if (!c || c.codeHash !== codeHash || c.failures >= max || c.expiresAt <= now) return false;
    this.challenges.delete(uid);
    return true;
  }
}

/** Collects messages instead of sending them. */
export class MemoryMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  async send(message: MailMessage) {
    this.sent.push(message);
  }
}
