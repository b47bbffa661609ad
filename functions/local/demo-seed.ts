import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LOCAL_DIR } from '../adapters/embedded/local-store.ts';
import type { Config } from '../config/config.ts';
import { OPERATOR } from '../domain/admin/actor.ts';
import { entitleTenant, grantAdmin } from '../domain/admin/delegation.ts';
import { addTenant } from '../domain/admin/federation.ts';
import { resetUserPassword } from '../domain/admin/users.ts';
import { backchannelLogout, registerClient } from '../domain/clients.ts';
import { setEmailCodes } from '../domain/credentials/email-code/strategy.ts';
import { createUser, grantRole } from '../domain/login.ts';
import type { DynamoParts } from '../idp/parts.ts';

interface DemoState {
  client: { clientId: string; clientSecret: string };
  user: { email: string; password: string };
  /** The demo tenant's administrator (absent in state files from before tenants). */
  tenantAdmin?: { email: string; password: string; tenant: string };
}

const STATE_FILE = resolve(LOCAL_DIR, 'demo.json');
const DEMO_CLIENT = 'demo-app';
const DEMO_EMAIL = 'demo@example.com';
const DEMO_TENANT = 'acme';
const DEMO_ADMIN = 'admin@acme.example';

/**
 * First start only: a demo app (roles viewer/editor) and a demo user holding `editor` in it.
 * Their generated secrets are kept in .sesame/demo.json (git-ignored, this machine only) so later
 * starts can print them again.
 */
export async function seedDemo(parts: DynamoParts, _config: Config, demoPort: number): Promise<DemoState> {
  const base = `http://127.0.0.1:${demoPort}`;
  const seeded = existsSync(STATE_FILE) ? await parts.deps.clients.get(DEMO_CLIENT) : null;
  if (seeded) {
    // Seeded before the demo app did back-channel logout: tell it of logouts from now on.
    if (!seeded.metadata.backchannel_logout_uri)
      await parts.deps.clients.put({
        ...seeded,
        metadata: { ...seeded.metadata, ...backchannelLogout(`${base}/backchannel-logout`) },
      });
    const state = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as DemoState;
    if (state.tenantAdmin) return state;
    return save({ ...state, tenantAdmin: await seedDemoTenant(parts) });
  }
  const { clientSecret } = await registerClient(
    parts.deps.clients,
    {
      clientId: DEMO_CLIENT,
      name: 'Demo app',
      redirectUris: [`${base}/callback`],
      postLogoutRedirectUris: [`${base}/`],
      initiateLoginUri: `${base}/login`,
      backchannelLogoutUri: `${base}/backchannel-logout`,
      roles: ['viewer', 'editor'],
      firstParty: true,
    },
    parts.deps.clock.now(),
  );
  const password = randomBytes(12).toString('base64url');
  await createUser(parts.deps, { email: DEMO_EMAIL, name: 'Demo User', password, actor: 'npm-start' });
  await grantRole(parts.deps, {
    email: DEMO_EMAIL,
    clientId: DEMO_CLIENT,
    role: 'editor',
    actor: 'npm-start',
  });
  return save({
    client: { clientId: DEMO_CLIENT, clientSecret: clientSecret ?? '' },
    user: { email: DEMO_EMAIL, password },
    tenantAdmin: await seedDemoTenant(parts),
  });
}

function save(state: DemoState): DemoState {
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2), { mode: 0o600 });
  return state;
}

/**
 * A demo company: tenant `acme`, entitled to both demo-app roles, with a tenant administrator who
 * signs in to /admin with a password and an e-mailed code (printed in the terminal), so a newcomer
 * can open the console at once.
 */
async function seedDemoTenant(parts: DynamoParts): Promise<NonNullable<DemoState['tenantAdmin']>> {
  const { deps } = parts;
  if (!(await deps.tenants.get(DEMO_TENANT)))
    await addTenant(deps, OPERATOR, { id: DEMO_TENANT, name: 'Acme Corp (demo)' });
  await entitleTenant(deps, OPERATOR, {
    tenantId: DEMO_TENANT,
    clientId: DEMO_CLIENT,
    roles: ['viewer', 'editor'],
  });
  const password = randomBytes(12).toString('base64url');
  const existing = await deps.users.findByEmailKey(DEMO_ADMIN);
  const admin =
    existing ??
    (await createUser(deps, {
      email: DEMO_ADMIN,
      name: 'Ada Admin',
      password,
      tenantId: DEMO_TENANT,
      actor: 'npm-start',
    }));
  if (existing) await resetUserPassword(deps, OPERATOR, { userId: existing.id, password });
  await grantAdmin(deps, OPERATOR, { userId: admin.id, level: 'tenant', tenantId: DEMO_TENANT });
  await setEmailCodes(deps, { userId: admin.id, enabled: true, actor: 'npm-start' });
  return { email: DEMO_ADMIN, password, tenant: DEMO_TENANT };
}
