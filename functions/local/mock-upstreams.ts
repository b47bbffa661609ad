/**
 * MOCK upstream identity providers, for tests and the clearly marked demo upstream of `npm start`
 * (never part of a deployment: only the local runner and tests import this folder): Microsoft Entra ID, Okta and a generic
 * ("evil") OIDC provider. Each is built from oidc-provider — a certified OpenID Provider — and
 * configured to behave like the real service, instead of a hand-written token server:
 *
 * - Entra: one HTTP server, one oidc-provider per tenant mounted under `/{tid}`, issuer
 *   `http://127.0.0.1:PORT/{tid}/v2.0`, endpoints laid out like login.microsoftonline.com
 *   (`/{tid}/oauth2/v2.0/authorize`, `/{tid}/discovery/v2.0/keys`, …). Pairwise `sub` per app, `oid`,
 *   `tid`, `roles`, `groups` with overage above 200, optional `xms_edov`; no `amr`, no `acr`, no RFC
 *   9207 `iss` in the authorization response and none advertised, no `code_challenge_methods_supported`
 *   in discovery (real Entra metadata omits it too, though it does support S256).
 * - Okta: org authorization server (issuer `http://127.0.0.1:PORT`, endpoints `/oauth2/v1/*`) or a
 *   custom one (issuer `…/oauth2/{id}`, endpoints `…/oauth2/{id}/v1/*`). `sub` `00u…`, `groups` names,
 *   `amr` always, `acr` when the request had `acr_values`, `email_verified`.
 * - Evil/generic: issuer `http://127.0.0.1:PORT`, public `sub`, RFC 9207 `iss` on; for any provider.
 *
 * There is no UI: the test says who signs in next (`signInAs`, else the `login_hint` is looked up), and
 * the interaction URL completes login and consent at once, so anything that follows redirects (a
 * FormClient, Sesame's own browser tests) lands back at the app's redirect_uri with `code` and `state`.
 * Every authorization request starts a new sign-in, even with a session cookie (no upstream SSO), so
 * `signInAs` alone decides who comes back. Every mock can also: fail the next sign-in
 * (`failNextSignIn`), rotate its signing key (`rotateSigningKey`), report the authorization requests it
 * received (`lastAuthorizationRequest`), and tamper with the next ID token it issues (`nextIdToken`).
 *
 * Clients may authenticate with private_key_jwt: register them with the certificates of their keys
 * (`certificates`, as uploaded to Entra). The Entra mock then checks client assertions as Entra does —
 * `aud` must be the token endpoint and the `x5t#S256` header must name a registered certificate whose
 * key signed the assertion; the Okta mock wants the token endpoint as `aud` too. Every client
 * assertion received is kept (`clientAssertions`).
 */
import { createHash, randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as jose from 'jose';
import Provider, {
  type Adapter,
  type AdapterPayload,
  type Client,
  type Configuration,
  errors,
  type InteractionResults,
  interactionPolicy,
  type KoaContextWithOIDC,
} from 'oidc-provider';

// ---------------------------------------------------------------------------------------------------
// Public types

/** A confidential app registered at the upstream (in Entra: an app registration; in Okta: an OIDC app). */
export interface UpstreamClient {
  client_id: string;
  /** For the client_secret_* methods. */
  client_secret?: string;
  redirect_uris: string[];
  /** Default `client_secret_basic`. */
  token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
  /**
   * private_key_jwt: the certificates (PEM) of the keys the client signs its assertions with, as
   * uploaded in Entra's "Certificates & secrets"; their public keys are the client's JWKS.
   */
  certificates?: string[];
  post_logout_redirect_uris?: string[];
}

/** base64url of the SHA-256 of the certificate's DER: its `x5t#S256`. */
const thumbprint = (certificate: X509Certificate) =>
  createHash('sha256').update(certificate.raw).digest('base64url');

/** The client as oidc-provider takes it: the certificates become a JWKS (with each one's `x5t#S256`). */
function clientMetadata(client: UpstreamClient): Record<string, unknown> {
  const { certificates, ...metadata } = client;
  if (!certificates?.length) return metadata;
  const keys = certificates.map((pem) => {
    const certificate = new X509Certificate(pem);
    return { ...certificate.publicKey.export({ format: 'jwk' }), 'x5t#S256': thumbprint(certificate) };
  });
  return { ...metadata, jwks: { keys } };
}

/** One authorization request as the mock received it (query string or form body, unfiltered). */
export interface AuthorizationRequestRecord {
  issuer: string;
  params: URLSearchParams;
}

/** Tools handed to a `nextIdToken` hook to build the forged token. */
export interface IdTokenForgery {
  /** Signs `claims` RS256 with the upstream's current key; `header` may override `kid`/`typ`. */
  sign(claims: jose.JWTPayload, header?: Partial<jose.JWTHeaderParameters>): Promise<string>;
  /** Signs RS256 with a fresh key that is not in the JWKS, under the current `kid` unless overridden. */
  signWithForeignKey(claims: jose.JWTPayload, header?: Partial<jose.JWTHeaderParameters>): Promise<string>;
  /** An unsecured JWT (`alg: none`, empty signature). */
  unsigned(claims: jose.JWTPayload): string;
  /** HS256 keyed with the upstream's public key as PEM (the RS256/HS256 algorithm-confusion attack). */
  hs256WithPublicKey(claims: jose.JWTPayload, header?: Partial<jose.JWTHeaderParameters>): Promise<string>;
  /** The public JWK of the current signing key. */
  publicJwk: jose.JWK;
}

/**
 * Replaces the ID token of the next token response: receives the claims and header oidc-provider
 * produced and returns the compact JWT to send instead. One-shot: cleared once used.
 * e.g. `mock.nextIdToken = (claims, _h, forge) => forge.sign({ ...claims, nonce: 'other' })`.
 */
export type IdTokenTamper = (
  claims: jose.JWTPayload,
  header: jose.ProtectedHeaderParameters,
  forge: IdTokenForgery,
) => string | Promise<string>;

export interface CommonMockOptions {
  clients?: UpstreamClient[];
  /** A fixed port (npm start's demo upstream); default any free one. */
  port?: number;
}

export interface EntraUserInput {
  /** Home tenant; defaults to the mock's first tenant. */
  tid?: string;
  /** User object id (GUID); generated once per tid + preferred_username when omitted. */
  oid?: string;
  /** The UPN, e.g. `anna@contoso.onmicrosoft.com`. */
  preferred_username: string;
  email?: string;
  name?: string;
  /** Email domain owner verified (optional claim); omitted from the token when undefined. */
  xms_edov?: boolean;
  /** App roles: the same for every app, or per client_id. */
  roles?: string[] | Record<string, string[]>;
  /** Group object ids; above the overage limit the token carries `_claim_names` instead. */
  groups?: string[];
}
export interface EntraUser extends EntraUserInput {
  tid: string;
  oid: string;
}
export interface EntraMockOptions extends CommonMockOptions {
  /** Tenant ids (GUIDs); default one random tenant. */
  tenants?: string[];
  users?: EntraUserInput[];
  /** More groups than this and the token carries an overage pointer (Entra: 200 for JWTs). */
  groupOverageLimit?: number;
}

export interface OktaUserInput {
  /** `00u` + 17 alphanumerics; generated once per email when omitted. */
  sub?: string;
  email: string;
  /** Default true. */
  email_verified?: boolean;
  name?: string;
  /** Okta username; defaults to the email. */
  preferred_username?: string;
  /** Group names. */
  groups?: string[];
  /** Whether the user completes MFA at sign-in: `amr` is `['pwd','mfa']`, else `['pwd']`. */
  mfa?: boolean;
}
export interface OktaUser extends OktaUserInput {
  sub: string;
}
export interface OktaMockOptions extends CommonMockOptions {
  /** `'org'` (issuer is the origin, the default) or a custom authorization server id like `'default'`. */
  authorizationServer?: string;
  users?: OktaUserInput[];
  /** Send RFC 9207 `iss` in authorization responses (and advertise it). Default false. */
  issParameter?: boolean;
}

export interface GenericUserInput {
  sub?: string;
  email: string;
  email_verified?: boolean;
  name?: string;
}
export interface GenericUser extends GenericUserInput {
  sub: string;
}
export interface EvilUpstreamOptions extends CommonMockOptions {
  users?: GenericUserInput[];
  /** Send RFC 9207 `iss` in authorization responses. Default true (oidc-provider's behaviour). */
  issParameter?: boolean;
}

// ---------------------------------------------------------------------------------------------------
// Keys, storage

interface SigningKey {
  kid: string;
  privateKey: jose.CryptoKey;
  publicKey: jose.CryptoKey;
  privateJwk: jose.JWK;
  publicJwk: jose.JWK;
}

async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await jose.generateKeyPair('RS256', { extractable: true });
  // 27 base64url characters, the shape of Entra's x5t-style kids.
  const kid = randomBytes(20).toString('base64url');
  const meta = { kid, alg: 'RS256', use: 'sig' };
  return {
    kid,
    privateKey,
    publicKey,
    privateJwk: { ...(await jose.exportJWK(privateKey)), ...meta },
    publicJwk: { ...(await jose.exportJWK(publicKey)), ...meta },
  };
}

/** One in-memory store per tenant, shared by every Provider instance built for it (key rotation). */
class MemoryStore {
  private readonly items = new Map<string, { payload: AdapterPayload; expiresAt: number }>();

  adapter(model: string, clients: Map<string, UpstreamClient>): Adapter {
    const { items } = this;
    const key = (id: string) => `${model}:${id}`;
    const live = (k: string) => {
      const item = items.get(k);
      if (item && item.expiresAt < Date.now()) items.delete(k);
      return items.get(k)?.payload;
    };
    const findBy = (field: 'uid' | 'userCode', value: string) => {
      for (const [k, { payload }] of items)
        if (k.startsWith(`${model}:`) && payload[field] === value) return live(k);
      return undefined;
    };
    return {
      async upsert(id, payload, expiresIn) {
        items.set(key(id), {
          payload: structuredClone(payload),
          expiresAt: Date.now() + (expiresIn ?? 1e9) * 1000,
        });
      },
      async find(id) {
        if (model !== 'Client') return live(key(id));
        const client = clients.get(id);
        return (
          client && {
            grant_types: ['authorization_code', 'refresh_token'],
            response_types: ['code'],
            token_endpoint_auth_method: 'client_secret_basic',
            ...clientMetadata(client),
          }
        );
      },
      async findByUid(uid) {
        return findBy('uid', uid);
      },
      async findByUserCode(userCode) {
        return findBy('userCode', userCode);
      },
      async consume(id) {
        const payload = live(key(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        items.delete(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const [k, { payload }] of items) if (payload.grantId === grantId) items.delete(k);
      },
    };
  }
}

// ---------------------------------------------------------------------------------------------------
// The shared machinery: one HTTP server, one or more oidc-provider "tenants" mounted on it

interface Tenant {
  /** Entra tenant id, Okta authorization server id, or 'root'. */
  id: string;
  issuer: string;
  /** Path prefix stripped before the request reaches oidc-provider ('' for the origin). */
  mount: string;
  /** Requests here are completed by the mock (login + consent) instead of a UI. */
  interactionPrefix: string;
  /** Exact paths served by oidc-provider under another in-mount path (Entra's discovery). */
  aliases: Map<string, string>;
  /** Serve `.well-known` documents only through `aliases` (Entra: no v1 discovery at `/{tid}/.well-known`). */
  wellKnownOnlyViaAlias?: boolean;
  store: MemoryStore;
  cookieKeys: string[];
  provider?: Provider;
  handler?: (req: IncomingMessage, res: ServerResponse) => unknown;
}

type SignInOutcome =
  | { accountId: string; acr?: string; amr?: string[] }
  | { error: string; description: string };
type Params = Record<string, unknown>;
type Claims = { sub: string; [claim: string]: unknown };

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export abstract class UpstreamMock<User, Input> {
  readonly origin: string;
  /** Replaces the ID token of the next token response (one-shot). See IdTokenTamper. */
  nextIdToken: IdTokenTamper | undefined;
  /** Every authorization request received, oldest first. */
  readonly authorizationRequests: AuthorizationRequestRecord[] = [];
  /** Every client assertion (private_key_jwt) sent to the token endpoint, oldest first, as received. */
  readonly clientAssertions: string[] = [];
  /** The path of every request received, oldest first (e.g. to count key set fetches). */
  readonly requestPaths: string[] = [];

  protected readonly tenants: Tenant[] = [];
  protected readonly clients = new Map<string, UpstreamClient>();
  protected nextUser: User | null = null;
  protected abstract readonly issParameter: boolean;
  protected readonly selectAccount: boolean = false;
  private failure: { error: string; description: string } | undefined;
  private keys: SigningKey[];

  protected constructor(
    private readonly server: Server,
    firstKey: SigningKey,
    options: CommonMockOptions,
  ) {
    this.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.keys = [firstKey];
    for (const client of options.clients ?? []) this.registerClient(client);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.requestPaths.push(new URL(req.url ?? '/', this.origin).pathname);
      this.route(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`upstream mock error: ${err instanceof Error ? err.stack : String(err)}`);
      });
    });
  }

  /** Registers (or replaces) a confidential client; valid in every tenant of the mock. */
  registerClient(client: UpstreamClient): void {
    this.clients.set(client.client_id, client);
  }

  /** Adds or updates a user (matched on its login name), keeping generated ids stable. */
  abstract addUser(input: Input): User;

  /**
   * The user every following sign-in completes as (sticky until changed); `null` falls back to
   * looking the `login_hint` up among the added users. The user is added if new.
   */
  signInAs(input: Input | null): User | null {
    this.nextUser = input === null ? null : this.addUser(input);
    return this.nextUser;
  }

  /** The next sign-in (only) returns `error` to the app's redirect_uri, as when the user cancels. */
  failNextSignIn(
    error = 'access_denied',
    description = 'The user has denied access to the scope requested',
  ): void {
    this.failure = { error, description };
  }

  get lastAuthorizationRequest(): URLSearchParams | undefined {
    return this.authorizationRequests.at(-1)?.params;
  }

  /** The kid ID tokens are signed with now. */
  get kid(): string {
    return this.currentKey.kid;
  }

  /** The public JWKS as served at the jwks_uri. */
  get jwks(): { keys: jose.JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  /**
   * Signs with a new key from now on and publishes it; the old key leaves the JWKS unless `keepOld`
   * (then both are published, the new one first). Sessions, codes and grants survive. Returns the kid.
   */
  async rotateSigningKey(options: { keepOld?: boolean } = {}): Promise<string> {
    const key = await newSigningKey();
    this.keys = options.keepOld ? [key, ...this.keys] : [key];
    for (const tenant of this.tenants) this.build(tenant);
    return key.kid;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // -- per-flavour behaviour ---------------------------------------------------------------------

  /** Flavour-specific oidc-provider configuration (claims, scopes, routes, subject types…). */
  protected abstract configure(tenant: Tenant): Configuration;
  /** Who signs in for this authorization request (interaction params), or why not. */
  protected abstract chooseUser(tenant: Tenant, params: Params): SignInOutcome;
  /** The claims of `accountId` in `tenant`, as seen by `clientId`. */
  protected abstract claimsFor(
    tenant: Tenant,
    accountId: string,
    clientId: string | undefined,
  ): Claims | undefined;
  /** Last edits to the discovery document. */
  protected editDiscovery(_body: Record<string, unknown>): void {}
  /**
   * The service's own rules for a client assertion, after oidc-provider verified its signature
   * against the client's keys and its `iss`, `exp` and `jti` (throw InvalidClientAuth to refuse).
   */
  protected async checkClientAssertion(
    _ctx: KoaContextWithOIDC,
    _claims: Record<string, unknown>,
    _header: Record<string, unknown>,
    _client: Client,
  ): Promise<void> {}

  /** The certificates registered for a client (private_key_jwt). */
  protected certificatesOf(clientId: string): X509Certificate[] {
    return (this.clients.get(clientId)?.certificates ?? []).map((pem) => new X509Certificate(pem));
  }

  // -- machinery ---------------------------------------------------------------------------------

  private get currentKey(): SigningKey {
    return this.keys[0] as SigningKey;
  }

  protected addTenant(
    spec: Omit<Tenant, 'store' | 'cookieKeys' | 'aliases'> & { aliases?: Map<string, string> },
  ) {
    const tenant: Tenant = {
      aliases: new Map(),
      ...spec,
      store: new MemoryStore(),
      cookieKeys: [randomBytes(32).toString('base64url')],
    };
    this.tenants.push(tenant);
    this.build(tenant);
    return tenant;
  }

  /** (Re)creates the tenant's Provider, e.g. with new keys; state lives in the tenant's store. */
  private build(tenant: Tenant): void {
    const policy = interactionPolicy.base();
    // No upstream SSO: every authorization request runs the (automatic) login, so `signInAs` decides.
    policy
      .get('login')
      ?.checks.push(
        new interactionPolicy.Check(
          'mock_sign_in',
          'the mock signs a user in on every authorization request',
          'login_required',
          (ctx) => !ctx.oidc.result?.login,
        ),
      );
    // Entra accepts prompt=select_account; the mock resolves it together with the login.
    if (this.selectAccount)
      policy.add(new interactionPolicy.Prompt({ name: 'select_account', requestable: true }));
    const flavour = this.configure(tenant);
    const configuration: Configuration = {
      adapter: (name: string) => tenant.store.adapter(name, this.clients),
      clients: [],
      jwks: { keys: this.keys.map((k) => k.privateJwk) } as Configuration['jwks'],
      cookies: {
        keys: tenant.cookieKeys,
        // Not oidc-provider's default names: cookies ignore ports, so on 127.0.0.1 the mock's
        // `_session` would otherwise overwrite Sesame's in the same browser (real upstreams live on
        // another site).
        names: { session: '_up_session', interaction: '_up_interaction', resume: '_up_resume' },
        long: { httpOnly: true, sameSite: 'lax' },
        short: { httpOnly: true, sameSite: 'lax' },
      },
      findAccount: async (ctx, id) => {
        const claims = this.claimsFor(tenant, id, ctx.oidc.client?.clientId);
        return claims && { accountId: id, claims: () => claims };
      },
      responseTypes: ['code'],
      ttl: {
        AccessToken: 3600,
        AuthorizationCode: 600,
        IdToken: 3600,
        RefreshToken: 86400,
        Interaction: 600,
        Session: 3600,
        Grant: 3600,
      },
      // Real IdPs put the profile claims into the ID token of the code flow too.
      conformIdTokenClaims: false,
      clientDefaults: {
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'RS256',
      },
      interactions: { policy, url: (_ctx, interaction) => `${tenant.interactionPrefix}${interaction.uid}` },
      assertJwtClientAuthClaimsAndHeader: (ctx, claims, header, client) =>
        this.checkClientAssertion(ctx, claims, header, client),
      ...flavour,
      features: { devInteractions: { enabled: false }, userinfo: { enabled: true }, ...flavour.features },
    };
    const provider = new Provider(tenant.issuer, configuration);
    provider.use(async (ctx, next) => {
      await next();
      await this.afterProvider(tenant, ctx as unknown as KoaContextWithOIDC);
    });
    tenant.provider = provider;
    tenant.handler = provider.callback();
  }

  /** Post-processing of oidc-provider's responses: recording, Entra/Okta quirks, tampering. */
  private async afterProvider(tenant: Tenant, ctx: KoaContextWithOIDC): Promise<void> {
    const route = (ctx.oidc as KoaContextWithOIDC['oidc'] | undefined)?.route;
    if (route === 'authorization') {
      const raw = ctx.method === 'POST' ? (ctx.oidc.body ?? {}) : ctx.query;
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(raw)) for (const one of [v].flat()) params.append(k, String(one));
      this.authorizationRequests.push({ issuer: tenant.issuer, params });
    }
    if ((route === 'authorization' || route === 'resume') && !this.issParameter) stripIss(ctx);
    const assertion = route === 'token' ? ctx.oidc.params?.client_assertion : undefined;
    if (typeof assertion === 'string') this.clientAssertions.push(assertion);
    if (route === 'discovery' && ctx.body && typeof ctx.body === 'object') {
      const body = ctx.body as Record<string, unknown>;
      if (!this.issParameter) delete body.authorization_response_iss_parameter_supported;
      this.editDiscovery(body);
    }
    const tamper = this.nextIdToken;
    const body = ctx.body as { id_token?: unknown } | undefined;
    if (route === 'token' && tamper && typeof body?.id_token === 'string') {
      this.nextIdToken = undefined;
      body.id_token = await tamper(
        jose.decodeJwt(body.id_token),
        jose.decodeProtectedHeader(body.id_token),
        this.forgery(),
      );
    }
  }

  private forgery(): IdTokenForgery {
    const key = this.currentKey;
    const sign = (
      k: jose.CryptoKey,
      claims: jose.JWTPayload,
      header: Partial<jose.JWTHeaderParameters> = {},
    ) => new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid, ...header }).sign(k);
    return {
      publicJwk: key.publicJwk,
      sign: (claims, header) => sign(key.privateKey, claims, header),
      signWithForeignKey: async (claims, header) =>
        sign((await jose.generateKeyPair('RS256')).privateKey, claims, header),
      unsigned: (claims) => new jose.UnsecuredJWT(claims).encode(),
      hs256WithPublicKey: async (claims, header = {}) =>
        new jose.SignJWT(claims)
          .setProtectedHeader({ kid: key.kid, ...header, alg: 'HS256' })
          .sign(new TextEncoder().encode(await jose.exportSPKI(key.publicKey))),
    };
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const path = url.pathname;
    // Longest mount first, so Okta's `/oauth2/default` wins over the org server's ''.
    const tenants = [...this.tenants].sort((a, b) => b.mount.length - a.mount.length);
    for (const tenant of tenants) {
      if (path.startsWith(tenant.interactionPrefix)) return this.interaction(tenant, req, res);
    }
    for (const tenant of tenants) {
      const alias = tenant.aliases.get(path);
      const inner =
        alias ??
        (tenant.mount === '' || path.startsWith(`${tenant.mount}/`)
          ? path.slice(tenant.mount.length)
          : undefined);
      if (
        inner === undefined ||
        (!alias && tenant.wellKnownOnlyViaAlias && inner.startsWith('/.well-known/'))
      ) {
        continue;
      }
      // oidc-provider derives its mount path from originalUrl minus url, like under Express.
      (req as IncomingMessage & { originalUrl?: string }).originalUrl =
        `${tenant.mount}${inner}${url.search}`;
      req.url = `${inner}${url.search}`;
      await tenant.handler?.(req, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  /** Completes the interaction without a UI: login for the chosen user, then consent to everything asked. */
  private async interaction(tenant: Tenant, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const provider = tenant.provider as Provider;
    const details = await provider.interactionDetails(req, res);
    const params = details.params as Params;
    if (details.prompt.name === 'login') {
      const outcome = this.failure ?? this.chooseUser(tenant, params);
      this.failure = undefined;
      const result: InteractionResults =
        'error' in outcome
          ? { error: outcome.error, error_description: outcome.description }
          : { login: outcome, ...(this.selectAccount ? { select_account: {} } : {}) };
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
      return;
    }
    if (details.prompt.name === 'select_account') {
      await provider.interactionFinished(req, res, { select_account: {} }, { mergeWithLastSubmission: true });
      return;
    }
    const accountId = details.session?.accountId;
    const clientId = str(params.client_id);
    if (details.prompt.name !== 'consent' || !accountId || !clientId) {
      throw new Error(`unexpected interaction ${details.prompt.name} (${details.prompt.reasons.join(', ')})`);
    }
    const grant =
      (details.grantId && (await provider.Grant.find(details.grantId))) ||
      new provider.Grant({ accountId, clientId });
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(resource, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
}

/** Removes RFC 9207 `iss` from an authorization response (redirect query/fragment or form_post body). */
function stripIss(ctx: KoaContextWithOIDC): void {
  const location = ctx.response.get('location');
  if (location) {
    const url = new URL(location, ctx.href);
    const fragment = new URLSearchParams(url.hash.slice(1));
    if (url.searchParams.has('iss') || fragment.has('iss')) {
      url.searchParams.delete('iss');
      fragment.delete('iss');
      url.hash = fragment.toString();
      ctx.set('location', url.href);
    }
  }
  if (typeof ctx.body === 'string') ctx.body = ctx.body.replace(/<input type="hidden" name="iss"[^>]*>/g, '');
}

async function listen(port = 0): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

const sameName = (a: string | undefined, b: unknown) =>
  a !== undefined && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();

// ---------------------------------------------------------------------------------------------------
// Microsoft Entra ID

export class EntraMock extends UpstreamMock<EntraUser, EntraUserInput> {
  protected readonly issParameter = false;
  protected override readonly selectAccount = true;
  private readonly users: EntraUser[] = [];
  private readonly overageLimit: number;

  static async start(options: EntraMockOptions = {}): Promise<EntraMock> {
    const mock = new EntraMock(await listen(options.port), await newSigningKey(), options);
    for (const tid of options.tenants ?? [randomUUID()]) {
      mock.addTenant({
        id: tid,
        issuer: `${mock.origin}/${tid}/v2.0`,
        mount: `/${tid}`,
        interactionPrefix: `/${tid}/mock/interaction/`,
        // Entra's v2 discovery document lives under the issuer, its endpoints under /{tid}/oauth2/v2.0.
        aliases: new Map([
          [`/${tid}/v2.0/.well-known/openid-configuration`, '/.well-known/openid-configuration'],
        ]),
        wellKnownOnlyViaAlias: true,
      });
    }
    for (const user of options.users ?? []) mock.addUser(user);
    return mock;
  }

  private constructor(server: Server, key: SigningKey, options: EntraMockOptions) {
    super(server, key, options);
    this.overageLimit = options.groupOverageLimit ?? 200;
  }

  /** The tenant ids, in the order given. */
  get tenantIds(): string[] {
    return this.tenants.map((t) => t.id);
  }

  /** The first tenant's issuer. */
  get issuer(): string {
    return this.issuerFor(this.tenantIds[0] as string);
  }

  /** `http://127.0.0.1:PORT/{tid}/v2.0`, like `https://login.microsoftonline.com/{tid}/v2.0`. */
  issuerFor(tid: string): string {
    const tenant = this.tenants.find((t) => t.id === tid);
    if (!tenant) throw new Error(`no tenant ${tid} in this Entra mock`);
    return tenant.issuer;
  }

  addUser(input: EntraUserInput): EntraUser {
    const tid = input.tid ?? (this.tenantIds[0] as string);
    this.issuerFor(tid);
    const i = this.users.findIndex(
      (u) => u.tid === tid && sameName(u.preferred_username, input.preferred_username),
    );
    const user: EntraUser = { ...input, tid, oid: input.oid ?? this.users[i]?.oid ?? randomUUID() };
    if (i === -1) this.users.push(user);
    else this.users[i] = user;
    return user;
  }

  protected configure(tenant: Tenant): Configuration {
    return {
      routes: {
        authorization: '/oauth2/v2.0/authorize',
        token: '/oauth2/v2.0/token',
        jwks: '/discovery/v2.0/keys',
        userinfo: '/oidc/userinfo',
        end_session: '/oauth2/v2.0/logout',
      },
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      claims: {
        // Entra v2 ID tokens: tid, ver, roles and groups always; oid, name, preferred_username with
        // `profile`; email with `email`. No amr; acr is dropped because acrValues is empty.
        openid: ['sub', 'tid', 'ver', 'roles', 'groups', 'xms_edov'],
        profile: ['oid', 'name', 'preferred_username'],
        email: ['email'],
      },
      acrValues: [],
      subjectTypes: ['pairwise'],
      // Entra's sub is per user and per app (not per sector host): a 43-character opaque string.
      pairwiseIdentifier: async (_ctx, accountId, client) =>
        createHash('sha256').update(`${tenant.id}|${client.clientId}|${accountId}`).digest('base64url'),
      extraParams: ['domain_hint'],
      clientAuthMethods: ['client_secret_post', 'client_secret_basic', 'private_key_jwt'],
      features: { rpInitiatedLogout: { enabled: true } },
    };
  }

  /**
   * Entra's rules for certificate credentials: `aud` is the token endpoint, and the `x5t#S256` header
   * names an uploaded certificate whose key signed the assertion (Entra finds the key by it).
   */
  protected override async checkClientAssertion(
    ctx: KoaContextWithOIDC,
    claims: Record<string, unknown>,
    header: Record<string, unknown>,
    client: Client,
  ): Promise<void> {
    if (claims.aud !== ctx.oidc.urlFor('token'))
      throw new errors.InvalidClientAuth('mock Entra: aud must be the token endpoint (AADSTS700021)');
    const certificate = this.certificatesOf(client.clientId).find(
      (c) => thumbprint(c) === header['x5t#S256'],
    );
    if (!certificate)
      throw new errors.InvalidClientAuth(
        'mock Entra: x5t#S256 names no registered certificate (AADSTS700027)',
      );
    try {
      await jose.compactVerify(String(ctx.oidc.params?.client_assertion), certificate.publicKey);
    } catch {
      throw new errors.InvalidClientAuth('mock Entra: not signed by that certificate’s key (AADSTS700027)');
    }
  }

  protected override editDiscovery(body: Record<string, unknown>): void {
    delete body.code_challenge_methods_supported;
    Object.assign(body, {
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
      msgraph_host: 'graph.microsoft.com',
    });
  }

  protected chooseUser(tenant: Tenant, params: Params): SignInOutcome {
    const user =
      this.nextUser ??
      this.users.find(
        (u) =>
          u.tid === tenant.id &&
          (sameName(u.preferred_username, params.login_hint) || sameName(u.email, params.login_hint)),
      );
    if (!user) {
      return {
        error: 'access_denied',
        description: 'mock: nobody to sign in (call signInAs or send a login_hint)',
      };
    }
    if (user.tid !== tenant.id) {
      return {
        error: 'access_denied',
        description: `mock: ${user.preferred_username} is not in tenant ${tenant.id}`,
      };
    }
    return { accountId: user.oid };
  }

  protected claimsFor(tenant: Tenant, oid: string, clientId: string | undefined): Claims | undefined {
    const user = this.users.find((u) => u.tid === tenant.id && u.oid === oid);
    if (!user) return undefined;
    const roles = Array.isArray(user.roles) ? user.roles : (user.roles?.[clientId ?? ''] ?? []);
    const groups = user.groups ?? [];
    return {
      sub: user.oid, // made pairwise by oidc-provider
      oid: user.oid,
      tid: user.tid,
      ver: '2.0',
      preferred_username: user.preferred_username,
      ...(user.name === undefined ? {} : { name: user.name }),
      ...(user.email === undefined ? {} : { email: user.email }),
      ...(user.xms_edov === undefined ? {} : { xms_edov: user.xms_edov }),
      ...(roles.length ? { roles } : {}),
      ...(groups.length > this.overageLimit
        ? {
            _claim_names: { groups: 'src1' },
            _claim_sources: {
              src1: { endpoint: `https://graph.microsoft.com/v1.0/users/${user.oid}/getMemberObjects` },
            },
          }
        : groups.length
          ? { groups }
          : {}),
    };
  }
}

// ---------------------------------------------------------------------------------------------------
// Okta

/** Okta's acr_values (https://developer.okta.com/docs/guides/step-up-authentication/). */
export const OKTA_ACR_VALUES = [
  'phr',
  'phrh',
  'urn:okta:loa:1fa:any',
  'urn:okta:loa:1fa:pwd',
  'urn:okta:loa:2fa:any',
  'urn:okta:loa:2fa:any:ifpossible',
];

function oktaId(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return prefix + Array.from(randomBytes(17), (b) => alphabet[b % alphabet.length]).join('');
}

export class OktaMock extends UpstreamMock<OktaUser, OktaUserInput> {
  protected readonly issParameter: boolean;
  private readonly users: OktaUser[] = [];
  private readonly idp = oktaId('00o');

  static async start(options: OktaMockOptions = {}): Promise<OktaMock> {
    const mock = new OktaMock(await listen(), await newSigningKey(), options);
    const server = options.authorizationServer ?? 'org';
    const mount = server === 'org' ? '' : `/oauth2/${server}`;
    mock.addTenant({
      id: server,
      issuer: `${mock.origin}${mount}`,
      mount,
      interactionPrefix: `${mount}/mock/interaction/`,
    });
    for (const user of options.users ?? []) mock.addUser(user);
    return mock;
  }

  private constructor(server: Server, key: SigningKey, options: OktaMockOptions) {
    super(server, key, options);
    this.issParameter = options.issParameter ?? false;
  }

  get issuer(): string {
    return (this.tenants[0] as Tenant).issuer;
  }

  addUser(input: OktaUserInput): OktaUser {
    const i = this.users.findIndex((u) => sameName(u.email, input.email));
    const user: OktaUser = { ...input, sub: input.sub ?? this.users[i]?.sub ?? oktaId('00u') };
    if (i === -1) this.users.push(user);
    else this.users[i] = user;
    return user;
  }

  protected configure(tenant: Tenant): Configuration {
    const base = tenant.mount === '' ? '/oauth2/v1' : '/v1';
    return {
      routes: {
        authorization: `${base}/authorize`,
        token: `${base}/token`,
        jwks: `${base}/keys`,
        userinfo: `${base}/userinfo`,
        end_session: `${base}/logout`,
        revocation: `${base}/revoke`,
        introspection: `${base}/introspect`,
      },
      scopes: ['openid', 'profile', 'email', 'groups', 'offline_access'],
      claims: {
        openid: ['sub', 'ver', 'idp', 'amr', 'auth_time', 'groups'],
        profile: ['name', 'preferred_username'],
        email: ['email', 'email_verified'],
        groups: ['groups'],
      },
      acrValues: OKTA_ACR_VALUES,
      subjectTypes: ['public'],
      clientAuthMethods: [
        'client_secret_basic',
        'client_secret_post',
        'client_secret_jwt',
        'private_key_jwt',
        'none',
      ],
      features: {
        revocation: { enabled: true },
        introspection: { enabled: true },
        rpInitiatedLogout: { enabled: true },
      },
    };
  }

  /** Okta wants the full URL of the token endpoint as a client assertion's `aud`. */
  protected override async checkClientAssertion(
    ctx: KoaContextWithOIDC,
    claims: Record<string, unknown>,
  ): Promise<void> {
    if (claims.aud !== ctx.oidc.urlFor('token'))
      throw new errors.InvalidClientAuth('mock Okta: aud must be the token endpoint');
  }

  protected chooseUser(_tenant: Tenant, params: Params): SignInOutcome {
    const hint = params.login_hint;
    const user =
      this.nextUser ??
      this.users.find((u) => sameName(u.email, hint) || sameName(u.preferred_username, hint));
    if (!user) {
      return {
        error: 'access_denied',
        description: 'mock: nobody to sign in (call signInAs or send a login_hint)',
      };
    }
    const acr = str(params.acr_values)?.split(' ')[0];
    return { accountId: user.sub, amr: user.mfa ? ['pwd', 'mfa'] : ['pwd'], ...(acr ? { acr } : {}) };
  }

  protected claimsFor(_tenant: Tenant, sub: string): Claims | undefined {
    const user = this.users.find((u) => u.sub === sub);
    if (!user) return undefined;
    return {
      sub,
      ver: 1,
      idp: this.idp,
      email: user.email,
      email_verified: user.email_verified ?? true,
      preferred_username: user.preferred_username ?? user.email,
      ...(user.name === undefined ? {} : { name: user.name }),
      ...(user.groups === undefined ? {} : { groups: user.groups }),
    };
  }
}

// ---------------------------------------------------------------------------------------------------
// Generic / evil upstream

/**
 * A plain OIDC provider (issuer = origin, public `sub`, standard claims, RFC 9207 `iss` on) for the
 * "any OIDC provider" case and for negative tests: set `nextIdToken` to forge the next ID token, e.g.
 *   evil.nextIdToken = (c, _h, forge) => forge.sign({ ...c, iss: 'https://elsewhere' });  // wrong iss
 *   evil.nextIdToken = (c, _h, forge) => forge.sign({ ...c, aud: 'someone-else' });        // wrong aud
 *   evil.nextIdToken = (c, _h, forge) => forge.sign({ ...c, exp: c.iat });                 // expired
 *   evil.nextIdToken = (c, _h, forge) => forge.sign(c, { kid: 'unknown' });                // unknown kid
 *   evil.nextIdToken = (c, _h, forge) => forge.unsigned(c);                                // alg none
 *   evil.nextIdToken = (c, _h, forge) => forge.hs256WithPublicKey(c);                      // alg confusion
 * (The same hook exists on the Entra and Okta mocks.)
 */
export class EvilUpstream extends UpstreamMock<GenericUser, GenericUserInput> {
  protected readonly issParameter: boolean;
  private readonly users: GenericUser[] = [];

  static async start(options: EvilUpstreamOptions = {}): Promise<EvilUpstream> {
    const mock = new EvilUpstream(await listen(), await newSigningKey(), options);
    mock.addTenant({ id: 'root', issuer: mock.origin, mount: '', interactionPrefix: '/mock/interaction/' });
    for (const user of options.users ?? []) mock.addUser(user);
    return mock;
  }

  private constructor(server: Server, key: SigningKey, options: EvilUpstreamOptions) {
    super(server, key, options);
    this.issParameter = options.issParameter ?? true;
  }

  get issuer(): string {
    return this.origin;
  }

  addUser(input: GenericUserInput): GenericUser {
    const i = this.users.findIndex((u) => sameName(u.email, input.email));
    const user: GenericUser = { ...input, sub: input.sub ?? this.users[i]?.sub ?? randomUUID() };
    if (i === -1) this.users.push(user);
    else this.users[i] = user;
    return user;
  }

  protected configure(): Configuration {
    return {
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
      subjectTypes: ['public'],
    };
  }

  protected chooseUser(_tenant: Tenant, params: Params): SignInOutcome {
    const user = this.nextUser ?? this.users.find((u) => sameName(u.email, params.login_hint));
    return user
      ? { accountId: user.sub }
      : {
          error: 'access_denied',
          description: 'mock: nobody to sign in (call signInAs or send a login_hint)',
        };
  }

  protected claimsFor(_tenant: Tenant, sub: string): Claims | undefined {
    const user = this.users.find((u) => u.sub === sub);
    return (
      user && {
        sub,
        email: user.email,
        email_verified: user.email_verified ?? true,
        ...(user.name === undefined ? {} : { name: user.name }),
      }
    );
  }
}

/** Starts an Entra ID mock with one oidc-provider per tenant on one loopback server. */
export function startEntraMock(options: EntraMockOptions = {}): Promise<EntraMock> {
  return EntraMock.start(options);
}

/** Starts an Okta mock: org authorization server by default, or `{ authorizationServer: 'default' }`. */
export function startOktaMock(options: OktaMockOptions = {}): Promise<OktaMock> {
  return OktaMock.start(options);
}

/** Starts a plain OIDC provider whose next ID token a test can forge (see EvilUpstream). */
export function startEvilUpstream(options: EvilUpstreamOptions = {}): Promise<EvilUpstream> {
  return EvilUpstream.start(options);
}
