import { OPERATOR } from '../domain/admin/actor.ts';
import {
  addConnection,
  addTenant,
  addTenantDomain,
  mapConnectionRole,
  removeConnection,
} from '../domain/admin/federation.ts';
import type { DynamoParts } from '../idp/parts.ts';
import { type EntraMock, startEntraMock } from './mock-upstreams.ts';

/** The demo directory's id (a made-up GUID) and what `npm start` sets up around it. */
const DEMO_TID = 'd300d300-0000-4000-8000-000000000000';
const CONNECTION = 'demo-corp';
const TENANT = 'demo-corp';
const SECRET = 'demo-upstream-secret';

/**
 * A DEMO upstream identity provider for `npm start`: an Entra-like mock (functions/local/
 * mock-upstreams.ts) on its own port, a `demo-corp` tenant, and a connection shown on the login page
 * as "Sign in with Demo Corp (demo upstream)". It signs everyone in as Dana, member of a group that
 * maps to the demo app's `editor` role, without asking anything: it shows federation working, it is
 * not an identity provider.
 */
export async function startDemoUpstream(
  parts: DynamoParts,
  input: { issuer: string; port: number; demoClientId: string },
): Promise<{ mock: EntraMock; url: string; user: string }> {
  const mock = await startEntraMock({ tenants: [DEMO_TID], port: input.port });
  const deps = parts.deps;
  const redirectUri = `${input.issuer.replace(/\/$/, '')}/federation/${CONNECTION}/callback`;
  mock.registerClient({
    client_id: 'sesame-demo',
    client_secret: SECRET,
    redirect_uris: [redirectUri],
    token_endpoint_auth_method: 'client_secret_post',
  });
  const dana = 'dana@demo-corp.example';
  mock.signInAs({
    preferred_username: dana,
    email: dana,
    name: 'Dana (Demo Corp)',
    groups: ['demo-editors'],
  });

  if (!(await deps.tenants.get(TENANT))) await addTenant(deps, OPERATOR, { id: TENANT, name: 'Demo Corp' });
  await addTenantDomain(deps, OPERATOR, { tenantId: TENANT, domain: 'demo-corp.example', verified: true });
  // The mock's keys and port are this run's: the connection is made afresh each start.
  if (await deps.connections.get(CONNECTION)) await removeConnection(deps, OPERATOR, CONNECTION);
  await addConnection(deps, OPERATOR, {
    id: CONNECTION,
    tenantId: TENANT,
    type: 'entra',
    entraTenantId: DEMO_TID,
    authority: mock.origin,
    clientId: 'sesame-demo',
    clientSecret: SECRET,
    displayName: 'Demo Corp (demo upstream)',
    domains: ['demo-corp.example'],
    button: true,
  });
  if ((await deps.clients.get(input.demoClientId))?.roles.includes('editor'))
    await mapConnectionRole(deps, OPERATOR, {
      id: CONNECTION,
      mapping: { claim: 'groups', value: 'demo-editors', clientId: input.demoClientId, role: 'editor' },
    });
  return { mock, url: mock.issuer, user: dana };
}
