import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { createDynamo } from '../functions/adapters/dynamodb/client.ts';
import { ensureTables } from '../functions/adapters/dynamodb/tables.ts';
import { createSesame } from '../functions/app.ts';
import { parseConfig } from '../functions/config/config.ts';
import { OPERATOR } from '../functions/domain/admin/actor.ts';
import { addConnection, addTenant, mapConnectionRole } from '../functions/domain/admin/federation.ts';
import { registerClient } from '../functions/domain/clients.ts';
import { relyingParty } from '../functions/domain/credentials/passkey/item.ts';
import {
  beginPasskeyRegistration,
  finishPasskeyRegistration,
} from '../functions/domain/credentials/passkey/registration.ts';
import { createUser } from '../functions/domain/login.ts';
import type { HttpApiHandler } from '../functions/http/lambda.ts';
import { createDynamoParts } from '../functions/idp/parts.ts';
import { serveLambda } from '../functions/local/lambda-http.ts';
import { createLogger } from '../functions/shared/logger.ts';
import { SoftAuthenticator } from '../test/support/webauthn.ts';
import type { PasskeyTarget } from './passkey.ts';
import { answerProbes, nameTables, startCountingStore, timed } from './probe.ts';

/**
 * Sesame as `npm start` runs it (dynalite in the same process, the Lambda handler behind the local
 * API Gateway bridge), for the benchmark. It counts the DynamoDB operations dynalite serves, the
 * time inside the handler and the process's CPU time, and reports them over IPC (probe.ts), so the
 * bench can tell how many calls and how much CPU one login or token costs.
 *
 * With BENCH_ENTRA_AUTHORITY and BENCH_ENTRA_TENANT (an Entra-like mock the bench runs), it also has
 * a tenant and a login-page connection to that mock, and reports the time Sesame's outgoing HTTP
 * requests to it took (the upstream's own time, to subtract from the handler's).
 */
const { endpoint } = await startCountingStore();

/**
 * Milliseconds Sesame spent waiting on the upstream since the last reset: from the start of each
 * outgoing HTTP request to the upstream's host (node:http's diagnostics channel, which the
 * upstream fetch's node:http requests publish to) to the last byte of its response.
 */
let upstreamMs = 0;
let upstreamRequests = 0;
const upstreamHost = process.env.BENCH_ENTRA_AUTHORITY ? new URL(process.env.BENCH_ENTRA_AUTHORITY).host : '';
subscribe('http.client.request.start', (message) => {
  const request = (message as { request: ClientRequest }).request;
  if (!upstreamHost || request.getHeader('host') !== upstreamHost) return;
  const t0 = performance.now();
  request.once('response', (response: IncomingMessage) =>
    response.once('end', () => {
      upstreamMs += performance.now() - t0;
      upstreamRequests++;
    }),
  );
});

let handler: HttpApiHandler | undefined;
const http = await serveLambda(
  timed(() => handler),
  { port: 0 },
);
const config = parseConfig({ issuer: http.url, dynamodb: { endpoint, localCredentials: true } });
nameTables(config.tables);
await ensureTables(createDynamo(config).raw, config);
const parts = createDynamoParts(config, createLogger({ level: 'error' }));
handler = (await createSesame(config, parts)).handler;

const machine = await registerClient(
  parts.deps.clients,
  { clientId: 'bench-m2m', redirectUris: [], clientCredentials: true },
  new Date(),
);
const web = await registerClient(
  parts.deps.clients,
  { clientId: 'bench-web', redirectUris: ['http://127.0.0.1:9/cb'] },
  new Date(),
);
const password = 'a passphrase that is long enough';
await createUser(parts.deps, { email: 'bench@example.com', name: 'Bench', password, actor: 'bench' });
const federation = await connectUpstream();
const passkey = await passkeyUser();

/**
 * A user with one discoverable passkey, registered through the real ceremony by a software
 * authenticator whose key the bench process gets, to sign in with it alone (bench/passkey.ts).
 */
async function passkeyUser(): Promise<PasskeyTarget> {
  const user = await createUser(parts.deps, {
    email: 'bench-passkey@example.com',
    name: 'Bench Passkey',
    password,
    actor: 'bench',
  });
  const { rpID, origin } = relyingParty(config.issuer);
  const key = new SoftAuthenticator(rpID, origin, { userHandle: user.id, singleDevice: true });
  const options = await beginPasskeyRegistration(parts.deps, { user, session: 'bench' });
  if (!options) throw new Error('bench: passkeys are not offered');
  const done = await finishPasskeyRegistration(parts.deps, {
    userId: user.id,
    session: 'bench',
    name: 'Bench key',
    response: JSON.stringify(key.register(options.challenge)),
  });
  if (!done.ok) throw new Error(`bench: the passkey was not registered (${done.reason})`);
  return { userId: user.id, rpID, origin, key: key.exported() };
}

/**
 * A tenant with one Entra connection shown on the login page, mapping one group to a role of its
 * own app (so a sign-in also runs the role sync), as an administrator would set it up with the CLI.
 */
async function connectUpstream() {
  const authority = process.env.BENCH_ENTRA_AUTHORITY;
  const entraTenantId = process.env.BENCH_ENTRA_TENANT;
  if (!authority || !entraTenantId) return undefined;
  const fed = {
    connectionId: 'bench-entra',
    clientId: 'sesame-bench',
    clientSecret: 'bench-upstream-client-secret',
    callbackUrl: `${http.url}/federation/bench-entra/callback`,
    group: 'g-bench-clerks',
  };
  const app = await registerClient(
    parts.deps.clients,
    { clientId: 'bench-fed', redirectUris: ['http://127.0.0.1:9/cb'], roles: ['clerk'] },
    new Date(),
  );
  await addTenant(parts.deps, OPERATOR, { id: 'bench', name: 'Bench Corp' });
  await addConnection(parts.deps, OPERATOR, {
    id: fed.connectionId,
    tenantId: 'bench',
    type: 'entra',
    entraTenantId,
    authority,
    clientId: fed.clientId,
    clientSecret: fed.clientSecret,
    displayName: 'Bench Corp',
    button: true,
  });
  await mapConnectionRole(parts.deps, OPERATOR, {
    id: fed.connectionId,
    mapping: { claim: 'groups', value: fed.group, clientId: 'bench-fed', role: 'clerk' },
  });
  return { ...fed, app: { id: 'bench-fed', secret: app.clientSecret } };
}

answerProbes({
  read: () => ({ upstreamMs, upstreamRequests }),
  reset() {
    upstreamMs = 0;
    upstreamRequests = 0;
  },
});
process.send?.({
  url: http.url,
  node: process.version,
  machine: { id: 'bench-m2m', secret: machine.clientSecret },
  web: { id: 'bench-web', secret: web.clientSecret, redirect: 'http://127.0.0.1:9/cb' },
  user: { email: 'bench@example.com', password },
  ...(federation ? { federation } : {}),
  passkey,
});
