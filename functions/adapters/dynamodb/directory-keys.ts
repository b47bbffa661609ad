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
};

/** Audit table: one partition per UTC day (a day's events are one Query), sorted by time. */
export const auditKeys = {
  event: (isoTime: string, random: string) => ({
    pk: `DAY#${isoTime.slice(0, 10)}`,
    sk: `${isoTime}#${random}`,
  }),
  day: (isoDate: string) => `DAY#${isoDate}`,
};
