import { describe } from 'node:test';
import {
  MemoryAuditSink,
  MemoryClientStore,
  MemoryRoleStore,
  MemoryUserStore,
} from '../../functions/adapters/memory/stores.ts';
import { accountSpec } from '../support/account-spec.ts';

describe('account rules on in-memory ports', () => {
  accountSpec(async () => {
    const audit = new MemoryAuditSink();
    return {
      users: new MemoryUserStore(),
      clients: new MemoryClientStore(),
      roles: new MemoryRoleStore(),
      audit,
      events: async () => audit.events,
    };
  });
});
