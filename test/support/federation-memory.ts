import {
  MemoryConnectionSecrets,
  MemoryConnectionStore,
  MemoryFederationStateStore,
  MemoryLinkStore,
  MemoryTenantStore,
} from '../../functions/adapters/memory/federation-stores.ts';
import { MemoryInvitationStore } from '../../functions/adapters/memory/invitation-store.ts';
import type { Upstream } from '../../functions/domain/federation/upstream.ts';

/** An Upstream for tests that never federate: any use is a test bug. */
export const noUpstream: Upstream = {
  authorizationUrl: () => Promise.reject(new Error('this test does not federate')),
  redeem: () => Promise.reject(new Error('this test does not federate')),
  endSessionUrl: () => Promise.resolve(null),
};

/** The federation ports of DomainDeps, in memory. */
export function memoryFederation(upstream: Upstream = noUpstream) {
  const tenants = new MemoryTenantStore();
  return {
    tenants,
    tenantSettings: (id: string) => tenants.get(id),
    connections: new MemoryConnectionStore(),
    connectionSecrets: new MemoryConnectionSecrets(),
    links: new MemoryLinkStore(),
    federationStates: new MemoryFederationStateStore(),
    invitations: new MemoryInvitationStore(),
    // Domains are proved through a real DNS server in the tests that prove them (support/dns.ts).
    dns: { txt: () => Promise.reject(new Error('this test does not look up DNS')) },
    upstream,
  };
}
