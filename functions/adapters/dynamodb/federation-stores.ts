import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ExportedJWKSCache } from 'openid-client';
import type {
  Connection,
  ConnectionSecrets,
  ConnectionStore,
  FederationState,
  FederationStateStore,
  IdentityLink,
  LinkOffer,
  LinkStore,
  SecretBox,
  Tenant,
  TenantDomain,
  TenantStore,
} from '../../domain/ports.ts';
import type { UpstreamKeySets } from '../../federation/upstream-client.ts';
import { keys } from './directory-keys.ts';
import { conditionalWrite, consistentGet, queryPartition } from './query.ts';
import { isConditionFailure } from './user-item.ts';

const NEW_ITEM = { ConditionExpression: 'attribute_not_exists(pk)' };

/** Tenants and their e-mail domains on the directory table (keys in directory-keys.ts). */
export class DynamoTenantStore implements TenantStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  create(tenant: Tenant): Promise<boolean> {
    return conditionalWrite(
      this.doc,
      new PutCommand({ TableName: this.table, Item: { ...keys.tenant(tenant.id), tenant }, ...NEW_ITEM }),
    );
  }

  async get(id: string): Promise<Tenant | null> {
    return ((await consistentGet(this.doc, this.table, keys.tenant(id)))?.tenant as Tenant) ?? null;
  }

  async list(): Promise<Tenant[]> {
    return (await queryPartition(this.doc, this.table, keys.tenantPartition)).map((i) => i.tenant as Tenant);
  }

  replace(tenant: Tenant, expectedVersion: number | undefined): Promise<boolean> {
    return conditionalWrite(
      this.doc,
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.tenant(tenant.id), tenant },
        ...(expectedVersion === undefined
          ? {
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#t.version)',
              ExpressionAttributeNames: { '#t': 'tenant' },
            }
          : {
              ConditionExpression: '#t.version = :v',
              ExpressionAttributeNames: { '#t': 'tenant' },
              ExpressionAttributeValues: { ':v': expectedVersion },
            }),
      }),
    );
  }

  /**
   * The global claim first (its condition is the uniqueness of a proved domain: an unproved claim of
   * another tenant gives way), then the tenant's own copy (a stale copy is hidden by domainsOf).
   */
  async putDomain(domain: TenantDomain): Promise<boolean> {
    const claimed = await conditionalWrite(
      this.doc,
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.domain(domain.domain), domain },
        ConditionExpression: 'attribute_not_exists(pk) OR #d.tenantId = :t OR #d.verified = :unproved',
        ExpressionAttributeNames: { '#d': 'domain' },
        ExpressionAttributeValues: { ':t': domain.tenantId, ':unproved': false },
      }),
    );
    if (!claimed) return false;
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.tenantDomain(domain.tenantId, domain.domain), name: domain.domain },
      }),
    );
    return true;
  }

  async getDomain(domain: string): Promise<TenantDomain | null> {
    return ((await consistentGet(this.doc, this.table, keys.domain(domain)))?.domain as TenantDomain) ?? null;
  }

  async domainsOf(tenantId: string): Promise<TenantDomain[]> {
    const { pk, prefix } = keys.tenantDomainPrefix(tenantId);
    const names = (await queryPartition(this.doc, this.table, pk, prefix)).map((i) => String(i.name));
    const found = await Promise.all(names.map((n) => this.getDomain(n)));
    return found.filter((d): d is TenantDomain => d?.tenantId === tenantId);
  }

  async deleteDomain(domain: string, tenantId: string): Promise<void> {
    await conditionalWrite(
      this.doc,
      new DeleteCommand({
        TableName: this.table,
        Key: keys.domain(domain),
        ConditionExpression: '#d.tenantId = :t',
        ExpressionAttributeNames: { '#d': 'domain' },
        ExpressionAttributeValues: { ':t': tenantId },
      }),
    );
    await this.doc.send(
      new DeleteCommand({ TableName: this.table, Key: keys.tenantDomain(tenantId, domain) }),
    );
  }
}

/** Connections in one partition (few; `list` is one Query). */
export class DynamoConnectionStore implements ConnectionStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  create(connection: Connection): Promise<boolean> {
    return conditionalWrite(
      this.doc,
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.connection(connection.id), connection },
        ...NEW_ITEM,
      }),
    );
  }

  async get(id: string): Promise<Connection | null> {
    // A removed connection's item stays, without a connection (its id is not given out again).
    return (
      ((await consistentGet(this.doc, this.table, keys.connection(id)))?.connection as Connection) ?? null
    );
  }

  async list(): Promise<Connection[]> {
    return (await queryPartition(this.doc, this.table, keys.connectionPartition))
      .filter((i) => i.connection !== undefined)
      .map((i) => i.connection as Connection);
  }

  replace(connection: Connection): Promise<boolean> {
    return conditionalWrite(
      this.doc,
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.connection(connection.id), connection },
        ConditionExpression: 'attribute_exists(#c)',
        ExpressionAttributeNames: { '#c': 'connection' },
      }),
    );
  }

  async delete(id: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: keys.connection(id) }));
  }

  async remove(id: string): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.connection(id), removedAt: new Date().toISOString() },
      }),
    );
  }
}

/**
 * Connection credentials where there is no Secrets Manager (npm start, tests, DynamoDB Local): sealed
 * with the SecretBox (AES-256-GCM under the MFA keys), bound to the connection id, in an item of
 * their own so that listing connections (the login page's buttons) never reads them.
 */
export class SealedConnectionSecrets implements ConnectionSecrets {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly box: SecretBox,
  ) {}

  async put(connectionId: string, value: string): Promise<void> {
    const sealed = await this.box.seal(value, aad(connectionId));
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { ...keys.connectionCredential(connectionId), sealed } }),
    );
  }

  async get(connectionId: string): Promise<string | null> {
    const item = await consistentGet(this.doc, this.table, keys.connectionCredential(connectionId));
    return typeof item?.sealed === 'string' ? this.box.open(item.sealed, aad(connectionId)) : null;
  }

  async delete(connectionId: string): Promise<void> {
    await this.doc.send(
      new DeleteCommand({ TableName: this.table, Key: keys.connectionCredential(connectionId) }),
    );
  }
}

/** A sealed credential opens only for the connection it was sealed for. */
const aad = (connectionId: string) => `connection:${connectionId}`;

/** Identity links: unique in the connection's partition, copied into the user's. */
export class DynamoLinkStore implements LinkStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(link: IdentityLink): Promise<boolean> {
    const created = await conditionalWrite(
      this.doc,
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.link(link.connectionId, link.issuer, link.subject), link },
        ...NEW_ITEM,
      }),
    );
    if (!created) return false;
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.userLink(link.userId, link.connectionId, link.issuer, link.subject), link },
      }),
    );
    return true;
  }

  async find(connectionId: string, issuer: string, subject: string): Promise<IdentityLink | null> {
    const item = await consistentGet(this.doc, this.table, keys.link(connectionId, issuer, subject));
    return (item?.link as IdentityLink) ?? null;
  }

  async byConnection(connectionId: string): Promise<IdentityLink[]> {
    return (await queryPartition(this.doc, this.table, keys.linkPartition(connectionId))).map(
      (i) => i.link as IdentityLink,
    );
  }

  async byUser(userId: string): Promise<IdentityLink[]> {
    return (await queryPartition(this.doc, this.table, keys.user(userId).pk, keys.userLinkPrefix)).map(
      (i) => i.link as IdentityLink,
    );
  }

  async delete(link: IdentityLink): Promise<void> {
    const { connectionId, issuer, subject, userId } = link;
    await this.doc.send(
      new DeleteCommand({ TableName: this.table, Key: keys.link(connectionId, issuer, subject) }),
    );
    await this.doc.send(
      new DeleteCommand({ TableName: this.table, Key: keys.userLink(userId, connectionId, issuer, subject) }),
    );
  }
}

/** Upstream sign-in state: taken by a conditional delete that returns it, so exactly once. */
export class DynamoFederationStateStore implements FederationStateStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async put(state: FederationState): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.federationState(state.key), state, expiresAt: Math.ceil(state.expiresAt / 1000) },
      }),
    );
  }

  async take(key: string, now: number): Promise<FederationState | null> {
    try {
      const { Attributes } = await this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: keys.federationState(key),
          ConditionExpression: 'attribute_exists(pk)',
          ReturnValues: 'ALL_OLD',
        }),
      );
      const state = Attributes?.state as FederationState | undefined;
      return state && state.expiresAt > now ? state : null;
    } catch (err) {
      if (isConditionFailure(err)) return null;
      throw err;
    }
  }
  async putOffer(offer: LinkOffer): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.linkOffer(offer.uid), offer, expiresAt: Math.ceil(offer.expiresAt / 1000) },
      }),
    );
  }

  async offer(uid: string, now: number): Promise<LinkOffer | null> {
    const offer = (await consistentGet(this.doc, this.table, keys.linkOffer(uid)))?.offer as
      | LinkOffer
      | undefined;
    return offer && offer.expiresAt > now ? offer : null;
  }

  async takeOffer(uid: string, now: number): Promise<LinkOffer | null> {
    try {
      const { Attributes } = await this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: keys.linkOffer(uid),
          ConditionExpression: 'attribute_exists(pk)',
          ReturnValues: 'ALL_OLD',
        }),
      );
      const offer = Attributes?.offer as LinkOffer | undefined;
      return offer && offer.expiresAt > now ? offer : null;
    } catch (err) {
      if (isConditionFailure(err)) return null;
      throw err;
    }
  }
}

/**
 * The last key set fetched from each upstream (openid-client's exported JWKS cache), so a new
 * container can check an ID token without fetching the keys again while they are fresh. Written only
 * by Sesame, with keys it fetched itself; the issuer is kept alongside and checked on use.
 */
export class DynamoUpstreamKeySets implements UpstreamKeySets {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(connectionId: string): Promise<{ issuer: string; cache: ExportedJWKSCache } | null> {
    const item = await consistentGet(this.doc, this.table, keys.upstreamKeys(connectionId));
    return typeof item?.issuer === 'string' && item.cache
      ? { issuer: item.issuer, cache: item.cache as ExportedJWKSCache }
      : null;
  }

  async put(connectionId: string, value: { issuer: string; cache: ExportedJWKSCache }): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { ...keys.upstreamKeys(connectionId), ...value } }),
    );
  }
}
