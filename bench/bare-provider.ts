import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { exportJWK, generateKeyPair } from 'jose';
import type { Context, Next } from 'koa';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import serverless from 'serverless-http';
import { createDynamo } from '../functions/adapters/dynamodb/client.ts';
import { dynamoOidcAdapterFactory } from '../functions/adapters/dynamodb/oidc-adapter.ts';
import { ensureTables } from '../functions/adapters/dynamodb/tables.ts';
import { parseConfig } from '../functions/config/config.ts';
import type { HttpApiHandler } from '../functions/http/lambda.ts';
import { serveLambda } from '../functions/local/lambda-http.ts';
import { answerProbes, nameTables, startCountingStore, timed } from './probe.ts';

/**
 * The baselines: bare oidc-provider, the same library Sesame is built on, with only what a sign-in
 * needs — one user checked with one argon2 verify at Sesame's configured cost, consent skipped for
 * first-party clients (the library's documented `loadExistingGrant` pattern, as Sesame does), RS256
 * ID tokens, opaque access tokens — and nothing else. Hosted as `npm start` hosts Sesame: the Lambda
 * handler (serverless-http) behind the local API Gateway bridge.
 *
 *   BENCH_BARE_STORE=memory   the library's in-memory adapter: a ceiling no server that stores its
 *                             tokens can reach;
 *   BENCH_BARE_STORE=dynamo   Sesame's own DynamoDB adapter over the same embedded store (dynalite in
 *                             this process, as `npm start` has it): the fair baseline.
 *
 * Reports its URL and clients over IPC, then answers probes like Sesame's bench server (probe.ts).
 */
const onStore = process.env.BENCH_BARE_STORE === 'dynamo';
const store = onStore ? await startCountingStore() : undefined;

const USER = { id: 'bench-user', email: 'bench@example.com', password: 'a passphrase that is long enough' };
const argon2Params = parseConfig({ issuer: 'http://localhost' }).argon2;
const passwordHash = await argon2.hash(USER.password, { type: argon2.argon2id, ...argon2Params });
const machine = { id: 'bench', secret: randomBytes(24).toString('base64url') };
const web = {
  id: 'bench-web',
  secret: randomBytes(24).toString('base64url'),
  redirect: 'http://127.0.0.1:9/cb',
};

async function signingKeys() {
  const key = async (alg: 'RS256' | 'ES256') => {
    const { privateKey } = await generateKeyPair(alg, { extractable: true });
    return { ...(await exportJWK(privateKey)), alg, use: 'sig', kid: alg.toLowerCase() };
  };
  return { keys: [await key('RS256'), await key('ES256')] };
}

async function adapter(issuer: string): Promise<Configuration['adapter']> {
  if (!store) return undefined;
  const config = parseConfig({ issuer, dynamodb: { endpoint: store.endpoint, localCredentials: true } });
  nameTables(config.tables);
  const { raw, doc } = createDynamo(config);
  await ensureTables(raw, config);
  return dynamoOidcAdapterFactory({ doc, tableName: config.tables.oidc });
}

/** Every client of this server is first-party: its grant is made for whatever it asks. */
async function loadExistingGrant(ctx: KoaContextWithOIDC) {
  const { client, session, provider } = ctx.oidc;
  if (!client || !session?.accountId) return undefined;
  const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
  if (grantId) return provider.Grant.find(grantId);
  const grant = new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
  grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
  await grant.save();
  return grant;
}

let handler: HttpApiHandler | undefined;
const http = await serveLambda(
  timed(() => handler),
  { port: 0 },
);
const provider = new Provider(http.url, {
  adapter: await adapter(http.url),
  clients: [
    {
      client_id: machine.id,
      client_secret: machine.secret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
    },
    { client_id: web.id, client_secret: web.secret, redirect_uris: [web.redirect] },
  ],
  jwks: (await signingKeys()) as Configuration['jwks'],
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  responseTypes: ['code'],
  pkce: { required: () => true },
  scopes: ['openid', 'email', 'profile'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  findAccount: (_ctx, sub) =>
    sub === USER.id
      ? { accountId: sub, claims: () => ({ sub, email: USER.email, email_verified: true, name: 'Bench' }) }
      : undefined,
  loadExistingGrant,
  features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
});
provider.use(loginPage);
// serverless-http marks every request as TLS; this server is plain http, as Sesame's app.ts says too.
handler = serverless(provider.callback(), {
  request: (req: { socket: { encrypted: boolean } }) => {
    req.socket.encrypted = false;
  },
}) as unknown as HttpApiHandler;

/** The login form and its POST: one argon2 verify, then the interaction's result. */
async function loginPage(ctx: Context, next: Next): Promise<void> {
  const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(ctx.path);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  ctx.set('Cache-Control', 'no-store');
  if (!match[2]) {
    ctx.type = 'html';
    ctx.body = `<!doctype html><title>Sign in</title><form method="post" action="/interaction/${details.uid}/login"><input name="email"><input name="password" type="password"><button>Sign in</button></form>`;
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  const form = new URLSearchParams(Buffer.concat(chunks).toString());
  const right =
    form.get('email') === USER.email && (await argon2.verify(passwordHash, form.get('password') ?? ''));
  if (!right) {
    ctx.status = 400;
    ctx.body = 'wrong e-mail or password';
    return;
  }
  const to = await provider.interactionResult(ctx.req, ctx.res, { login: { accountId: USER.id } });
  ctx.status = 303;
  ctx.redirect(to);
}

answerProbes();
process.send?.({
  url: http.url,
  node: process.version,
  machine,
  web,
  user: { email: USER.email, password: USER.password },
});
