import {
  type AppClient,
  type AttemptClaim,
  type AuditEvent,
  type AuditSink,
  type ClientStore,
  EmailTaken,
  type LockoutPolicy,
  type NewUser,
  NotFound,
  type RoleStore,
  type SecretStore,
  type User,
  type UserStore,
} from '../../domain/ports.ts';

/**
 * In-memory ports for unit tests. Each method does its check-and-set without an `await` in
 * between, which on one JavaScript thread is as atomic as DynamoDB's conditional writes.
 */
export class MemoryUserStore implements UserStore {
  readonly byId = new Map<string, User>();
  readonly byEmail = new Map<string, string>();

  async create(user: NewUser): Promise<void> {
    if (this.byEmail.has(user.emailKey)) throw new EmailTaken();
    this.byEmail.set(user.emailKey, user.id);
    this.byId.set(user.id, { ...user, disabled: false, failedAttempts: 0, lockedUntil: null });
  }
  async findById(id: string): Promise<User | null> {
    const u = this.byId.get(id);
    return u ? { ...u } : null;
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
  async updateProfile(
    id: string,
    changes: { name?: string; emailVerified?: boolean; disabled?: boolean },
  ): Promise<void> {
    Object.assign(
      this.get(id),
      Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)),
    );
  }
  async setPassword(id: string, passwordHash: string): Promise<void> {
    Object.assign(this.get(id), { passwordHash, failedAttempts: 0, lockedUntil: null });
  }
  async upgradePasswordHash(id: string, expectedOld: string, passwordHash: string): Promise<void> {
    const u = this.get(id);
    if (u.passwordHash === expectedOld) u.passwordHash = passwordHash;
  }
  async claimAttempt(id: string, now: number, policy: LockoutPolicy): Promise<AttemptClaim> {
    const u = this.byId.get(id);
    if (!u) return { kind: 'unknown' };
    if (u.lockedUntil !== null && u.lockedUntil <= now)
      Object.assign(u, { lockedUntil: null, failedAttempts: 0 });
    if (u.lockedUntil !== null || u.failedAttempts >= policy.maxAttempts)
      return { kind: 'locked', lockedUntil: u.lockedUntil };
    u.failedAttempts += 1;
    return { kind: 'granted', user: { ...u } };
  }
  async recordFailure(id: string, now: number, policy: LockoutPolicy): Promise<number | null> {
    const u = this.get(id);
    if (u.failedAttempts < policy.maxAttempts || (u.lockedUntil !== null && u.lockedUntil > now)) return null;
    u.lockedUntil = now + policy.durationMs;
    return u.lockedUntil;
  }
  async recordSuccess(id: string, now: number): Promise<boolean> {
    const u = this.get(id);
    if (u.lockedUntil !== null && u.lockedUntil > now) return false;
    Object.assign(u, { failedAttempts: 0, lockedUntil: null });
    return true;
  }
}

export class MemoryClientStore implements ClientStore {
  readonly clients = new Map<string, AppClient>();
  async put(client: AppClient): Promise<void> {
    this.clients.set(client.clientId, structuredClone(client));
  }
  async get(clientId: string): Promise<AppClient | null> {
    const c = this.clients.get(clientId);
    return c ? structuredClone(c) : null;
  }
  async list(): Promise<AppClient[]> {
    return [...this.clients.values()].map((c) => structuredClone(c));
  }
}

export class MemoryRoleStore implements RoleStore {
  readonly grants = new Set<string>();
  async grant(userId: string, clientId: string, role: string): Promise<void> {
    this.grants.add(JSON.stringify([userId, clientId, role]));
  }
  async revoke(userId: string, clientId: string, role: string): Promise<void> {
    this.grants.delete(JSON.stringify([userId, clientId, role]));
  }
  async rolesIn(userId: string, clientId: string): Promise<string[]> {
    return (await this.allRoles(userId)).filter((g) => g.clientId === clientId).map((g) => g.role);
  }
  async allRoles(userId: string): Promise<Array<{ clientId: string; role: string }>> {
    return [...this.grants]
      .map((g) => JSON.parse(g) as [string, string, string])
      .filter(([u]) => u === userId)
      .map(([, clientId, role]) => ({ clientId, role }));
  }
}

export class MemoryAuditSink implements AuditSink {
  readonly events: AuditEvent[] = [];
  async record(event: AuditEvent): Promise<void> {
    this.events.push(event);
  }
}

export class MemorySecretStore implements SecretStore {
  readonly values = new Map<string, Promise<unknown>>();
  getOrCreate<T>(name: string, generate: () => Promise<T>): Promise<T> {
    if (!this.values.has(name)) this.values.set(name, generate());
    return this.values.get(name) as Promise<T>;
  }
}
