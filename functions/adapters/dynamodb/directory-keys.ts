/** The one place that builds directory-table keys. */
export const keys = {
  user: (id: string) => ({ pk: `USER#${id}`, sk: 'PROFILE' }),
  email: (emailKey: string) => ({ pk: `EMAIL#${emailKey}`, sk: 'EMAIL' }),
  client: (clientId: string) => ({ pk: 'CLIENT', sk: clientId }),
  clientPartition: 'CLIENT',
  role: (userId: string, clientId: string, role: string) => ({
    pk: `USER#${userId}`,
    sk: `ROLE#${clientId}#${role}`,
  }),
  rolePrefix: (clientId?: string) => (clientId ? `ROLE#${clientId}#` : 'ROLE#'),
  secret: (name: string) => ({ pk: `SECRET#${name}`, sk: 'SECRET' }),
  /** A credential of a user: `MFA#TOTP`, `MFA#EMAIL`, `MFA#RECOVERY#<hmac>` (credential-store.ts). */
  credential: (userId: string, type: string, key: string) => ({
    pk: `USER#${userId}`,
    sk: `MFA#${type.toUpperCase()}${key ? `#${key}` : ''}`,
  }),
  /** Every credential item of a user shares this sort key prefix: one Query reads them all. */
  factorPrefix: 'MFA#',
  /** The lease serialising factor changes (outside the `MFA#` prefix: not a factor). */
  factorLock: (userId: string) => ({ pk: `USER#${userId}`, sk: 'LOCK#FACTORS' }),
  userPartition: (userId: string) => `USER#${userId}`,
  /** A sign-in awaiting its second factor, and the e-mail code sent for it: bound to the interaction uid. */
  pendingSignIn: (uid: string) => ({ pk: `SIGNIN#${uid}`, sk: 'PENDING' }),
  emailChallenge: (uid: string) => ({ pk: `SIGNIN#${uid}`, sk: 'EMAILCODE' }),
  /** A forgotten-password reset started in that sign-in. */
  passwordReset: (uid: string) => ({ pk: `SIGNIN#${uid}`, sk: 'RESET' }),
  /** A spent challenge of a passkey sign-in (the first step: the user is not known yet). */
  spentPasskeyChallenge: (uid: string, nonce: string) => ({ pk: `SIGNIN#${uid}`, sk: `PASSKEY#${nonce}` }),
  /** Code e-mails sent to a user in one UTC hour (`hour`: epoch hours), across all their sign-ins. */
  emailQuota: (userId: string, hour: number) => ({ pk: `USER#${userId}`, sk: `QUOTA#EMAIL#${hour}` }),
  /** A tenant's users by e-mail key (`listByTenant` is one Query), written with the user. */
  member: (tenantId: string, emailKey: string) => ({ pk: `MEMBERS#${tenantId}`, sk: emailKey }),
  memberPartition: (tenantId: string) => `MEMBERS#${tenantId}`,
  /** Tenants live in one partition, like apps: few, and `list` is one Query. */
  tenant: (id: string) => ({ pk: 'TENANT', sk: id }),
  tenantPartition: 'TENANT',
  /** The claim of an e-mail domain (unique across tenants), and its copy in its tenant's partition. */
  domain: (domain: string) => ({ pk: `DOMAIN#${domain}`, sk: 'DOMAIN' }),
  tenantDomain: (tenantId: string, domain: string) => ({ pk: `TENANT#${tenantId}`, sk: `DOMAIN#${domain}` }),
  tenantDomainPrefix: (tenantId: string) => ({ pk: `TENANT#${tenantId}`, prefix: 'DOMAIN#' }),
  connection: (id: string) => ({ pk: 'CONNECTION', sk: id }),
  connectionPartition: 'CONNECTION',
  /** A connection's sealed client credential (local store only; Secrets Manager on AWS), outside its listing. */
  connectionCredential: (id: string) => ({ pk: `CONNECTION#${id}`, sk: 'CREDENTIAL' }),
  /**
   * An identity link, in its connection's partition (unique by a conditional put; `byConnection` is
   * one Query), and its copy in the user's partition (`byUser`).
   */
  link: (connectionId: string, issuer: string, subject: string) => ({
    pk: `LINK#${connectionId}`,
    sk: `${issuer}#${subject}`,
  }),
  linkPartition: (connectionId: string) => `LINK#${connectionId}`,
  userLink: (userId: string, connectionId: string, issuer: string, subject: string) => ({
    pk: `USER#${userId}`,
    sk: `LINK#${connectionId}#${issuer}#${subject}`,
  }),
  userLinkPrefix: 'LINK#',
  /** The upstream leg of a federated sign-in, by the digest of its `state`. */
  federationState: (key: string) => ({ pk: `FEDSTATE#${key}`, sk: 'STATE' }),
  linkOffer: (uid: string) => ({ pk: `FEDOFFER#${uid}`, sk: 'OFFER' }),
  upstreamKeys: (connectionId: string) => ({ pk: `UPSTREAMKEYS#${connectionId}`, sk: 'JWKS' }),
  /** A tenant's invitations share a partition: listing them is one Query. */
  invitation: (tenantId: string, id: string) => ({ pk: `INVITES#${tenantId}`, sk: `INVITE#${id}` }),
  invitationPartition: (tenantId: string) => `INVITES#${tenantId}`,
};

/**
 * Audit table: each UTC day spread over AUDIT_SHARDS partitions chosen at random per event, so a
 * day's writes are not capped by one partition's throughput (about 1,000 writes/s) — audit writes fail
 * closed, so a hot partition would fail sign-ins. Sorted by time within each; a day is 16 Queries.
 */
export const AUDIT_SHARDS = 16;

export const auditKeys = {
  event: (isoTime: string, random: string, shard: number) => ({
    pk: auditKeys.day(isoTime.slice(0, 10), shard),
    sk: `${isoTime}#${random}`,
  }),
  day: (isoDate: string, shard: number) => `DAY#${isoDate}#${shardSuffix(shard)}`,
  /** The `byTenant` index's partition of a tenant's events in one shard. */
  tenant: (tenantId: string, shard: number) => `${tenantId}#${shardSuffix(shard)}`,
};

const shardSuffix = (shard: number) => String(shard).padStart(2, '0');
