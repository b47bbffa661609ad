import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LOCAL_DIR } from '../adapters/embedded/local-store.ts';
import type { Config } from '../config/config.ts';
import { registerClient } from '../domain/clients.ts';
import { createUser, grantRole } from '../domain/login.ts';
import type { DynamoParts } from '../idp/parts.ts';

interface DemoState {
  client: { clientId: string; clientSecret: string };
  user: { email: string; password: string };
}

const STATE_FILE = resolve(LOCAL_DIR, 'demo.json');
const DEMO_CLIENT = 'demo-app';
const DEMO_EMAIL = 'demo@example.com';

/**
 * First start only: a demo app (roles viewer/editor) and a demo user holding `editor` in it.
 * Their generated secrets are kept in .sesame/demo.json (git-ignored, this machine only) so later
 * starts can print them again.
 */
export async function seedDemo(parts: DynamoParts, _config: Config, demoPort: number): Promise<DemoState> {
  if (existsSync(STATE_FILE) && (await parts.deps.clients.get(DEMO_CLIENT))) {
    return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as DemoState;
  }
  const base = `http://127.0.0.1:${demoPort}`;
  const { clientSecret } = await registerClient(
    parts.deps.clients,
    {
      clientId: DEMO_CLIENT,
      name: 'Demo app',
      redirectUris: [`${base}/callback`],
      postLogoutRedirectUris: [`${base}/`],
      initiateLoginUri: `${base}/login`,
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
  const state: DemoState = {
    client: { clientId: DEMO_CLIENT, clientSecret: clientSecret ?? '' },
    user: { email: DEMO_EMAIL, password },
  };
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2), { mode: 0o600 });
  return state;
}
