import { auditTenant } from '../../domain/deps.ts';
import {
  type AdminLevel,
  type AttemptClaim,
  DEFAULT_TENANT,
  EmailTaken,
  type LockoutPolicy,
  type NewUser,
  NotFound,
  type User,
  type UserQuery,
  type UserStore,
} from '../../domain/ports.ts';

/**
 * In-memory users for unit tests, with the same lockout semantics as the DynamoDB store. Each
 * method does its check-and-set without an `await` in between, which on one JavaScript thread is as
 * atomic as DynamoDB's conditional writes.
 */
export class MemoryUserStore implements UserStore {
  readonly byId = new Map<string, User>();
  readonly byEmail = new Map<string, string>();
  /** When the last attempt was granted (adapter-internal, like the DynamoDB attribute). */
  readonly #lastAttemptAt = new Map<string, number>();

  async create(user: NewUser): Promise<void> {
    if (this.byEmail.has(user.emailKey)) throw new EmailTaken();
    this.byEmail.set(user.emailKey, user.id);
    this.byId.set(user.id, {
      ...user,
      tenantId: user.tenantId ?? DEFAULT_TENANT,
      disabled: false,
      failedAttempts: 0,
      lockedUntil: null,
      credentialsChangedAt: null,
    });
  }
  async findById(id: string): Promise<User | null> {
    const u = this.byId.get(id);
    return u ? { ...u } : null;
  }
  async listByTenant(tenantId: string, q: UserQuery): Promise<{ users: User[]; next?: string }> {
    const after = q.cursor === undefined ? undefined : Buffer.from(q.cursor, 'base64url').toString('utf8');
    if (after !== undefined && !after.startsWith(q.prefix)) throw new RangeError('cursor');
    const all = [...this.byId.values()]
      .filter((u) => u.tenantId === tenantId && u.emailKey.startsWith(q.prefix))
      .filter((u) => after === undefined || u.emailKey > after)
      .sort((a, b) => (a.emailKey < b.emailKey ? -1 : 1));
    const users = all.slice(0, q.limit).map((u) => ({ ...u }));
    const last = users.at(-1);
    return {
      users,
      ...(all.length > q.limit && last ? { next: Buffer.from(last.emailKey).toString('base64url') } : {}),
    };
  }
  async findIdByEmailKey(emailKey: string): Promise<string | null> {
    return this.byEmail.get(emailKey) ?? null;
  }
  async findByEmailKey(emailKey: string): Promise<User | null> {
    const id = this.byEmail.get(emailKey);
    return id ? this.findById(id) : null;
  }
  private get(id: string): User {
    const u = this.byId.get(id);
    if (!u) throw new NotFound();
    return u;
  }
  async setFederationOnly(id: string, on: boolean): Promise<void> {
    const u = this.get(id);
    if (on) u.federationOnly = true;
    else delete u.federationOnly;
  }
  async setAdmin(id: string, level: AdminLevel | null): Promise<void> {
    const u = this.get(id);
    if (level) u.admin = level;
    else delete u.admin;
  }

  async updateProfile(
    id: string,
    changes: { name?: string; emailVerified?: boolean; disabled?: boolean; requireMfa?: boolean },
  ): Promise<void> {
    const u = this.get(id);
    if (changes.name !== undefined) u.name = changes.name;
    if (changes.emailVerified !== undefined) u.emailVerified = changes.emailVerified;
    if (changes.disabled !== undefined) u.disabled = changes.disabled;
    if (changes.requireMfa !== undefined) u.requireMfa = changes.requireMfa;
  }
  async setPassword(id: string, passwordHash: string, at: number): Promise<void> {
    Object.assign(this.get(id), {
      passwordHash,
      failedAttempts: 0,
      lockedUntil: null,
      credentialsChangedAt: at,
    });
  }
  async endSession(
    id: string,
    ended: { uid: string; at: number; until: number },
    stored: readonly string[] = [],
  ): Promise<void> {
    const user = this.get(id);
    user.endedSessions = [...(user.endedSessions ?? []), ended].filter(
      (e) => e.until > ended.at || stored.includes(e.uid),
    );
  }

  async endSessions(id: string, at: number): Promise<void> {
    this.get(id).credentialsChangedAt = at;
  }
  async upgradePasswordHash(id: string, expectedOld: string, passwordHash: string): Promise<void> {
    const u = this.get(id);
    if (u.passwordHash === expectedOld) u.passwordHash = passwordHash;
  }

  async claimAttempt(id: string, now: number, policy: LockoutPolicy): Promise<AttemptClaim> {
    const u = this.byId.get(id);
    if (!u) return { kind: 'unknown' };
    if (u.lockedUntil !== null && u.lockedUntil > now)
      return { kind: 'locked', lockedUntil: u.lockedUntil, tenantId: auditTenant(u) };
    if (u.lockedUntil !== null) Object.assign(u, { lockedUntil: null, failedAttempts: 0 });
    if (u.failedAttempts >= policy.maxAttempts) {
      // Threshold reached without a lock (in flight, or a lost recordFailure): locked from the last claim.
      const until = (this.#lastAttemptAt.get(id) ?? 0) + policy.durationMs;
      if (until > now) return { kind: 'locked', lockedUntil: until, tenantId: auditTenant(u) };
      u.failedAttempts = 0;
    }
    u.failedAttempts += 1;
    this.#lastAttemptAt.set(id, now);
    return { kind: 'granted', user: { ...u } };
  }
  async recordFailure(id: string, now: number, policy: LockoutPolicy): Promise<number | null> {
    const u = this.get(id);
    if (u.failedAttempts < policy.maxAttempts || (u.lockedUntil !== null && u.lockedUntil > now)) return null;
    u.lockedUntil = now + policy.durationMs;
    return u.lockedUntil;
  }
  async releaseAttempt(id: string, now: number): Promise<boolean> {
    const u = this.get(id);
    if (u.failedAttempts <= 0 || (u.lockedUntil !== null && u.lockedUntil > now)) return false;
    u.failedAttempts -= 1;
    return true;
  }
  async recordSuccess(id: string, now: number, seen?: Pick<User, 'credentialsChangedAt'>): Promise<boolean> {
    const u = this.get(id);
    if (u.lockedUntil !== null && u.lockedUntil > now) return false;
    if (seen && (u.disabled || u.credentialsChangedAt !== seen.credentialsChangedAt)) return false;
    Object.assign(u, { failedAttempts: 0, lockedUntil: null });
    return true;
  }
}
