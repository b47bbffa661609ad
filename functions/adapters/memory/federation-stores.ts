import type {
  Connection,
  ConnectionSecrets,
  ConnectionStore,
  FederationState,
  FederationStateStore,
  IdentityLink,
  LinkOffer,
  LinkStore,
  Tenant,
  TenantDomain,
  TenantStore,
} from '../../domain/ports.ts';

/** In-memory federation ports for unit tests, with the DynamoDB stores' conditions. */
export class MemoryTenantStore implements TenantStore {
  readonly tenants = new Map<string, Tenant>();
  readonly domains = new Map<string, TenantDomain>();
  async create(tenant: Tenant): Promise<boolean> {
    if (this.tenants.has(tenant.id)) return false;
    this.tenants.set(tenant.id, structuredClone(tenant));
    return true;
  }
  async get(id: string): Promise<Tenant | null> {
    return structuredClone(this.tenants.get(id) ?? null);
  }
  async list(): Promise<Tenant[]> {
    return [...this.tenants.values()].map((t) => structuredClone(t));
  }
  async replace(tenant: Tenant, expectedVersion: number | undefined): Promise<boolean> {
    const current = this.tenants.get(tenant.id);
    if (!current || current.version !== expectedVersion) return false;
    this.tenants.set(tenant.id, structuredClone(tenant));
    return true;
  }
  async putDomain(domain: TenantDomain): Promise<boolean> {
    const held = this.domains.get(domain.domain);
    if (held && held.tenantId !== domain.tenantId && held.verified) return false;
    this.domains.set(domain.domain, structuredClone(domain));
    return true;
  }
  async getDomain(domain: string): Promise<TenantDomain | null> {
    return structuredClone(this.domains.get(domain) ?? null);
  }
  async domainsOf(tenantId: string): Promise<TenantDomain[]> {
    return [...this.domains.values()].filter((d) => d.tenantId === tenantId).map((d) => structuredClone(d));
  }
  async deleteDomain(domain: string, tenantId: string): Promise<void> {
    if (this.domains.get(domain)?.tenantId === tenantId) this.domains.delete(domain);
  }
}

export class MemoryConnectionStore implements ConnectionStore {
  readonly connections = new Map<string, Connection>();
  readonly removed = new Set<string>();
  async create(connection: Connection): Promise<boolean> {
    if (this.connections.has(connection.id) || this.removed.has(connection.id)) return false;
    this.connections.set(connection.id, structuredClone(connection));
    return true;
  }
  async get(id: string): Promise<Connection | null> {
    return structuredClone(this.connections.get(id) ?? null);
  }
  async list(): Promise<Connection[]> {
    return [...this.connections.values()].map((c) => structuredClone(c));
  }
  async replace(connection: Connection): Promise<boolean> {
    if (!this.connections.has(connection.id)) return false;
    this.connections.set(connection.id, structuredClone(connection));
    return true;
  }
  async delete(id: string): Promise<void> {
    this.connections.delete(id);
  }
  async remove(id: string): Promise<void> {
    this.connections.delete(id);
    this.removed.add(id);
  }
}

/** Credentials by connection id, for unit tests (the local store seals them: SealedConnectionSecrets). */
export class MemoryConnectionSecrets implements ConnectionSecrets {
  readonly values = new Map<string, string>();
  async put(connectionId: string, value: string): Promise<void> {
    this.values.set(connectionId, value);
  }
  async get(connectionId: string): Promise<string | null> {
    return this.values.get(connectionId) ?? null;
  }
  async delete(connectionId: string): Promise<void> {
    this.values.delete(connectionId);
  }
}

const linkKey = (connectionId: string, issuer: string, subject: string) =>
  JSON.stringify([connectionId, issuer, subject]);

export class MemoryLinkStore implements LinkStore {
  readonly links = new Map<string, IdentityLink>();
  async create(link: IdentityLink): Promise<boolean> {
    const key = linkKey(link.connectionId, link.issuer, link.subject);
    if (this.links.has(key)) return false;
    this.links.set(key, structuredClone(link));
    return true;
  }
  async find(connectionId: string, issuer: string, subject: string): Promise<IdentityLink | null> {
    return structuredClone(this.links.get(linkKey(connectionId, issuer, subject)) ?? null);
  }
  async byConnection(connectionId: string): Promise<IdentityLink[]> {
    return [...this.links.values()].filter((l) => l.connectionId === connectionId);
  }
  async byUser(userId: string): Promise<IdentityLink[]> {
    return [...this.links.values()].filter((l) => l.userId === userId);
  }
  async delete(link: IdentityLink): Promise<void> {
    this.links.delete(linkKey(link.connectionId, link.issuer, link.subject));
  }
}

export class MemoryFederationStateStore implements FederationStateStore {
  readonly states = new Map<string, FederationState>();
  async put(state: FederationState): Promise<void> {
    this.states.set(state.key, structuredClone(state));
  }
  async take(key: string, now: number): Promise<FederationState | null> {
    const state = this.states.get(key);
    this.states.delete(key);
    return state && state.expiresAt > now ? state : null;
  }
  readonly offers = new Map<string, LinkOffer>();
  async putOffer(offer: LinkOffer): Promise<void> {
    this.offers.set(offer.uid, structuredClone(offer));
  }
  async offer(uid: string, now: number): Promise<LinkOffer | null> {
    const offer = this.offers.get(uid);
    return offer && offer.expiresAt > now ? structuredClone(offer) : null;
  }
  async takeOffer(uid: string, now: number): Promise<LinkOffer | null> {
    const offer = this.offers.get(uid);
    this.offers.delete(uid);
    return offer && offer.expiresAt > now ? offer : null;
  }
}
