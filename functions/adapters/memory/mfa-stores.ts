import type {
  Credential,
  CredentialRef,
  CredentialStore,
  CredentialValue,
  EmailChallenge,
  Expect,
  Mailer,
  MailMessage,
  PasswordReset,
  PendingRef,
  PendingSignIn,
  SignInStore,
} from '../../domain/ports.ts';

/**
 * In-memory MFA ports for unit tests. Each check-and-set runs without an `await` in between, which
 * on one JavaScript thread is as atomic as the DynamoDB conditional writes it stands in for.
 */
export class MemoryCredentialStore implements CredentialStore {
  readonly items = new Map<string, Map<string, Credential>>();
  readonly locks = new Map<string, number>();

  private of(userId: string) {
    let m = this.items.get(userId);
    if (!m) {
      m = new Map();
      this.items.set(userId, m);
    }
    return m;
  }
  private static id(ref: CredentialRef) {
    return `${ref.type}#${ref.key}`;
  }
  private holds(existing: Credential | undefined, expect: Expect | undefined): boolean {
    if (!expect) return true;
    const equal = (fields: Record<string, CredentialValue>) =>
      existing !== undefined && Object.entries(fields).every(([f, v]) => existing.data[f] === v);
    if ('absent' in expect) return existing === undefined;
    if ('absentOr' in expect) return existing === undefined || equal(expect.absentOr);
    return (
      equal(expect.present) &&
      Object.entries(expect.below ?? {}).every(
        ([f, v]) => typeof existing?.data[f] === 'number' && (existing.data[f] as number) < v,
      )
    );
  }
  async list(userId: string) {
    return [...this.of(userId).values()].map((c) => structuredClone(c));
  }
  async get(userId: string, ref: CredentialRef) {
    const c = this.of(userId).get(MemoryCredentialStore.id(ref));
    return c ? structuredClone(c) : null;
  }
  async put(userId: string, credential: Credential, expect?: Expect) {
    const m = this.of(userId);
    if (!this.holds(m.get(MemoryCredentialStore.id(credential)), expect)) return false;
    m.set(MemoryCredentialStore.id(credential), structuredClone(credential));
    return true;
  }
  async update(
    userId: string,
    ref: CredentialRef,
    change: { set: Record<string, CredentialValue>; unset?: string[] },
    expect: Expect,
  ) {
    const existing = this.of(userId).get(MemoryCredentialStore.id(ref));
    if (!this.holds(existing, expect)) return false;
    const data = { ...(existing?.data ?? {}), ...change.set };
    for (const f of change.unset ?? []) delete data[f];
    this.of(userId).set(MemoryCredentialStore.id(ref), { ...ref, data });
    return true;
  }
  async delete(userId: string, ref: CredentialRef, expect?: Expect) {
    const m = this.of(userId);
    const existing = m.get(MemoryCredentialStore.id(ref));
    if (!existing || !this.holds(existing, expect)) return false;
    m.delete(MemoryCredentialStore.id(ref));
    return true;
  }
  async lockChanges(userId: string, now: number, until: number) {
    if ((this.locks.get(userId) ?? 0) > now) return false;
    this.locks.set(userId, until);
    return true;
  }
  async unlockChanges(userId: string, until: number) {
    if (this.locks.get(userId) === until) this.locks.delete(userId);
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
    amr?: readonly string[],
  ) {
    const p = this.same(ref);
    if (!p || p.passed) return false;
    Object.assign(p, { passed: method, proven, ...(amr ? { amr: [...amr] } : {}) });
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
  readonly resets = new Map<string, PasswordReset>();
  async getReset(uid: string) {
    const r = this.resets.get(uid);
    return r ? structuredClone(r) : null;
  }
  async putReset(r: PasswordReset, previousSentAt: number | null) {
    if ((this.resets.get(r.uid)?.sentAt ?? null) !== previousSentAt) return false;
    this.resets.set(r.uid, structuredClone(r));
    return true;
  }
  async countResetFailure(uid: string, max: number) {
    const r = this.resets.get(uid);
    if (!r || r.failures >= max) return false;
    r.failures += 1;
    return true;
  }
  async verifyReset(uid: string, codeHash: string, now: number, max: number) {
    const r = this.resets.get(uid);
    if (!r || r.userId === null || r.codeHash !== codeHash || r.failures >= max || r.expiresAt <= now)
      return false;
    r.verified = true;
    return true;
  }
  async takeReset(uid: string, userId: string, now: number) {
    const r = this.resets.get(uid);
    if (!r?.verified || r.userId !== userId || r.expiresAt <= now) return false;
    this.resets.delete(uid);
    return true;
  }
  readonly spentPasskeyChallenges = new Set<string>();
  async spendPasskeyChallenge(uid: string, nonce: string) {
    const key = `${uid}#${nonce}`;
    if (this.spentPasskeyChallenges.has(key)) return false;
    this.spentPasskeyChallenges.add(key);
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
