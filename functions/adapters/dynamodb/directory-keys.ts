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
  /** Code e-mails sent to a user in one UTC hour (`hour`: epoch hours), across all their sign-ins. */
  emailQuota: (userId: string, hour: number) => ({ pk: `USER#${userId}`, sk: `QUOTA#EMAIL#${hour}` }),
};

/** Audit table: one partition per UTC day (a day's events are one Query), sorted by time. */
export const auditKeys = {
  event: (isoTime: string, random: string) => ({
    pk: `DAY#${isoTime.slice(0, 10)}`,
    sk: `${isoTime}#${random}`,
  }),
  day: (isoDate: string) => `DAY#${isoDate}`,
};
