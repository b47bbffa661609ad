import type {
  AppClient,
  AuditEvent,
  AuditLog,
  AuditPage,
  AuditQuery,
  AuditSink,
  ClientStore,
  RoleGrant,
  RoleSource,
  RoleStore,
  SecretStore,
} from '../../domain/ports.ts';

export { MemoryUserStore } from './user-store.ts';

/** In-memory ports for unit tests; see user-store.ts for the users and their lockout. */
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
  /** `[userId, clientId, role]` as JSON → source. */
  readonly grants = new Map<string, RoleSource>();
  async grant(userId: string, clientId: string, role: string, source: RoleSource = 'admin'): Promise<void> {
    const key = JSON.stringify([userId, clientId, role]);
    if (source === 'admin' || this.grants.get(key) !== 'admin') this.grants.set(key, source);
  }
  async revoke(userId: string, clientId: string, role: string, source?: RoleSource): Promise<void> {
    const key = JSON.stringify([userId, clientId, role]);
    if (!source || this.grants.get(key) === source) this.grants.delete(key);
  }
  async rolesIn(userId: string, clientId: string): Promise<string[]> {
    return (await this.allRoles(userId)).filter((g) => g.clientId === clientId).map((g) => g.role);
  }
  async allRoles(userId: string): Promise<RoleGrant[]> {
    return [...this.grants]
      .map(([g, source]) => [...(JSON.parse(g) as [string, string, string]), source] as const)
      .filter(([u]) => u === userId)
      .map(([, clientId, role, source]) => ({ clientId, role, source }));
  }
}

export class MemoryAuditSink implements AuditSink {
  readonly events: AuditEvent[] = [];
  async record(event: AuditEvent): Promise<void> {
    this.events.push(event);
  }
}

/** AuditLog over a MemoryAuditSink's events: the same filters and order as the DynamoDB one. */
export class MemoryAuditLog implements AuditLog {
  constructor(private readonly sink: MemoryAuditSink) {}
  async query(q: AuditQuery): Promise<AuditPage> {
    const matching = this.sink.events
      .filter((e) => (!q.target || e.target === q.target) && (!q.type || e.type === q.type))
      .filter((e) => q.target || !q.tenant || e.tenant === q.tenant)
      .filter((e) => e.at >= q.from && e.at <= q.to)
      .reverse();
    const start = q.cursor ? Number(q.cursor) : 0;
    const events = matching.slice(start, start + q.limit);
    return { events, ...(start + q.limit < matching.length ? { next: String(start + q.limit) } : {}) };
  }
}

export class MemorySecretStore implements SecretStore {
  readonly values = new Map<string, Promise<unknown>>();
  getOrCreate<T>(name: string, generate: () => Promise<T>): Promise<T> {
    if (!this.values.has(name)) this.values.set(name, generate());
    return this.values.get(name) as Promise<T>;
  }
}
