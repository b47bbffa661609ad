import {
  MemoryAuditLog,
  MemoryAuditSink,
  MemoryClientStore,
  MemoryRoleStore,
  MemoryUserStore,
} from '../../functions/adapters/memory/stores.ts';

/** A fresh set of in-memory ports, plus a way to read what was audited. */
export async function memoryPorts() {
  const audit = new MemoryAuditSink();
  return {
    users: new MemoryUserStore(),
    clients: new MemoryClientStore(),
    roles: new MemoryRoleStore(),
    audit,
    auditLog: new MemoryAuditLog(audit),
    events: async () => audit.events,
  };
}
