import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ExportedJWKSCache } from 'openid-client';
import { createDynamo } from '../../functions/adapters/dynamodb/client.ts';
import { DynamoUpstreamKeySets } from '../../functions/adapters/dynamodb/federation-stores.ts';
import type { Connection } from '../../functions/domain/ports.ts';
import { type UpstreamKeySets, upstreamClient } from '../../functions/federation/upstream-client.ts';
import { type EvilUpstream, startEvilUpstream } from '../../functions/local/mock-upstreams.ts';
import { createLogger } from '../../functions/shared/logger.ts';
import { FormClient } from '../support/browserless.ts';
import { startTestStore, type TestStore } from '../support/store.ts';

/**
 * An upstream's key set outlives the container that fetched it: a new upstream client (a cold start)
 * checks the next ID token with the stored keys instead of fetching them again, on the real
 * DynamoDB-compatible store.
 */
const REDIRECT = 'http://127.0.0.1:9/federation/keys/callback';
const SECRET = 'keys-client-secret';

let upstream: EvilUpstream;
let store: TestStore;
let connection: Connection;

before(async () => {
  [upstream, store] = await Promise.all([startEvilUpstream(), startTestStore()]);
  upstream.registerClient({
    client_id: 'sesame-keys',
    client_secret: SECRET,
    redirect_uris: [REDIRECT],
    token_endpoint_auth_method: 'client_secret_post',
  });
  connection = {
    id: 'keys',
    tenantId: 'acme',
    type: 'oidc',
    issuer: upstream.issuer,
    clientId: 'sesame-keys',
    scopes: ['openid', 'email'],
    displayName: 'Keys',
    button: false,
    disabled: false,
    roleMappings: [],
    trustMfa: { acr: [], amr: [] },
    upstreamLogout: false,
    createdAt: new Date().toISOString(),
  };
});

after(async () => {
  await Promise.all([upstream?.close(), store?.stop()]);
});

/** One whole upstream sign-in redeemed by `client` (a container's upstream client). */
async function signInWith(client: ReturnType<typeof upstreamClient>) {
  const secrets = {
    state: randomBytes(16).toString('base64url'),
    nonce: randomBytes(16).toString('base64url'),
  };
  const codeVerifier = randomBytes(32).toString('base64url');
  upstream.signInAs({ email: 'kim@keys.example' });
  const url = await client.authorizationUrl(connection, {
    clientSecret: SECRET,
    redirectUri: REDIRECT,
    codeVerifier,
    ...secrets,
  });
  const back = await new FormClient().follow(url, {}, REDIRECT);
  return client.redeem(connection, {
    clientSecret: SECRET,
    callbackUrl: new URL(back.url),
    redirectUri: REDIRECT,
    codeVerifier,
    ...secrets,
  });
}

const keyFetches = () =>
  upstream.requestPaths.filter((p) => p.endsWith('/keys') || p.endsWith('/jwks')).length;

describe('upstream key sets across containers', () => {
  it('checks a cold container’s first ID token with the stored keys, and fetches them when none are stored', {
    timeout: 30_000,
  }, async () => {
    const dynamo = createDynamo({ dynamodb: store.dynamodb });
    const keySets = new DynamoUpstreamKeySets(dynamo.doc, store.tables.directory);
    const logger = createLogger({ sink: () => undefined });
    const container = () => upstreamClient({ allowLoopbackHttp: true, logger, keySets });

    assert.equal((await signInWith(container())).email, 'kim@keys.example');
    assert.equal(keyFetches(), 1, 'the first container fetched the keys');
    const stored = await keySets.get('keys');
    assert.equal(stored?.issuer, upstream.issuer);

    assert.equal((await signInWith(container())).email, 'kim@keys.example');
    assert.equal(keyFetches(), 1, 'a second container used the stored keys');

    // Without the store (or for another issuer) the keys are fetched as before.
    await signInWith(upstreamClient({ allowLoopbackHttp: true, logger }));
    assert.equal(keyFetches(), 2);
    const elsewhere: UpstreamKeySets = {
      get: async () => ({ issuer: 'https://elsewhere.example', cache: stored?.cache as ExportedJWKSCache }),
      put: async () => undefined,
    };
    await signInWith(upstreamClient({ allowLoopbackHttp: true, logger, keySets: elsewhere }));
    assert.equal(keyFetches(), 3, 'keys stored for another issuer are not used');
  });
});
