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
