/** The directory and audit adapters, one file each; this module keeps the older single import path working. */
export { DynamoAuditSink } from './audit-sink.ts';
export { DynamoClientStore } from './client-store.ts';
export { DynamoRoleStore } from './role-store.ts';
export { DynamoSecretStore } from './secret-store.ts';
