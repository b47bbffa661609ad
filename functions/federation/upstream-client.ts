import { createHash, createPrivateKey } from 'node:crypto';
import * as oidc from 'openid-client';
import { type Upstream, UpstreamRefused } from '../domain/federation/upstream.ts';
import type { Connection, ConnectionCertificate } from '../domain/ports.ts';
import type { Logger } from '../shared/logger.ts';
import { upstreamFetch } from './upstream-fetch.ts';

/**
 * The relying party towards upstream identity providers, on openid-client v6 with every check on:
 * discovery must name exactly the connection's issuer; code + PKCE S256 + state + nonce; the ID token
 * from the token endpoint has its signature checked too (`enableNonRepudiationChecks`), with RS256
 * only (never `none` or HS*), `iss`, `aud`, `azp`, `exp` and `nonce` checked by the library, and `iat`
 * here (at most 60 s ahead, at most 10 minutes old). Every request goes through the SSRF-safe fetch.
 * JWKS are cached with the discovered configuration per container and refetched on an unknown `kid`;
 * with `keySets`, also across containers (openid-client's get/setJwksCache).
 * At the token endpoint Sesame authenticates with the connection's client secret (client_secret_post)
 * or, when the connection has a certificate, with private_key_jwt (`clientAuthentication`).
 */
export interface UpstreamClientOptions {
  /** Plain http to loopback issuers: `npm start` and tests only (Sesame's own issuer is loopback http). */
  allowLoopbackHttp: boolean;
  logger: Logger;
  now?: () => number;
  /**
   * Where an upstream's key set outlives the container (the directory table): a cold start within
   * openid-client's five minutes of freshness checks signatures without fetching the keys again.
   * Only Sesame writes there, and only what it fetched through the guarded fetch itself.
   */
  keySets?: UpstreamKeySets;
}

/** An upstream's last fetched key set, per connection, with the issuer it was fetched for. */
export interface UpstreamKeySets {
  get(connectionId: string): Promise<{ issuer: string; cache: oidc.ExportedJWKSCache } | null>;
  put(connectionId: string, value: { issuer: string; cache: oidc.ExportedJWKSCache }): Promise<void>;
}

/** The only ID token algorithms accepted: asymmetric, what Entra ID and Okta sign with. */
const ID_TOKEN_ALG = 'RS256';
const MAX_FUTURE_SECONDS = 60;
const MAX_AGE_SECONDS = 10 * 60;

export function upstreamClient(options: UpstreamClientOptions): Upstream {
  const fetchUpstream = upstreamFetch({ allowLoopbackHttp: options.allowLoopbackHttp });
  const now = options.now ?? (() => Date.now());
  /**
   * Discovered configurations by connection, issuer, client and credential (and certificate): a
   * changed connection or a replaced credential rediscovers.
   */
  const configurations = new Map<string, Promise<oidc.Configuration>>();

  function configuration(connection: Connection, clientSecret: string): Promise<oidc.Configuration> {
    const key = createHash('sha256')
      .update(
        JSON.stringify([
          connection.id,
          connection.issuer,
          connection.clientId,
          connection.certificate?.x5tS256 ?? null,
          clientSecret,
        ]),
      )
      .digest('base64url');
    let found = configurations.get(key);
    if (!found) {
      found = discover(connection, clientSecret).catch((err) => {
        configurations.delete(key);
        throw err;
      });
      configurations.set(key, found);
    }
    return found;
  }

  async function discover(connection: Connection, clientSecret: string): Promise<oidc.Configuration> {
    const config = await oidc.discovery(
      new URL(connection.issuer),
      connection.clientId,
      {
        id_token_signed_response_alg: ID_TOKEN_ALG,
        [oidc.clockTolerance]: MAX_FUTURE_SECONDS,
      },
      clientAuthentication(connection, clientSecret),
      {
        [oidc.customFetch]: fetchUpstream,
        ...(options.allowLoopbackHttp ? { execute: [oidc.allowInsecureRequests] } : {}),
        timeout: 5,
      },
    );
    config[oidc.customFetch] = fetchUpstream;
    oidc.enableNonRepudiationChecks(config);
    return config;
  }

  /** Configurations whose key cache was already looked up in `keySets` (once per configuration). */
  const primedConfigurations = new WeakSet<oidc.Configuration>();

  /** Imports the stored key set into a fresh configuration; returns its `uat`, to see a refetch later. */
  async function primeKeys(connection: Connection, config: oidc.Configuration): Promise<number | undefined> {
    const current = oidc.getJwksCache(config);
    if (!options.keySets || primedConfigurations.has(config)) return current?.uat;
    primedConfigurations.add(config);
    try {
      const stored = await options.keySets.get(connection.id);
      if (stored?.issuer !== connection.issuer) return undefined;
      oidc.setJwksCache(config, stored.cache);
      return stored.cache.uat;
    } catch (err) {
      options.logger.warn('federation.jwks_cache_failed', {
        connection: connection.id,
        failure: errorName(err),
      });
      return undefined; // fetched from the upstream instead
    }
  }

  /** Stores the key set when this redemption fetched it anew. */
  async function keepKeys(connection: Connection, config: oidc.Configuration, before: number | undefined) {
    const cache = oidc.getJwksCache(config);
    if (!options.keySets || !cache || cache.uat === before) return;
    try {
      await options.keySets.put(connection.id, { issuer: connection.issuer, cache });
    } catch (err) {
      options.logger.warn('federation.jwks_cache_failed', {
        connection: connection.id,
        failure: errorName(err),
      });
    }
  }

  async function withConfiguration(connection: Connection, clientSecret: string) {
    try {
      return await configuration(connection, clientSecret);
    } catch (err) {
      options.logger.warn('federation.discovery_failed', {
        connection: connection.id,
        failure: errorName(err),
      });
      throw new UpstreamRefused('upstream_unavailable');
    }
  }

  return {
    async authorizationUrl(connection, input) {
      const config = await withConfiguration(connection, input.clientSecret);
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: input.redirectUri,
        scope: connection.scopes.join(' '),
        response_type: 'code',
        state: input.state,
        nonce: input.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(input.codeVerifier),
        code_challenge_method: 'S256',
        ...(input.loginHint ? { login_hint: input.loginHint } : {}),
        ...(input.domainHint ? { domain_hint: input.domainHint } : {}),
      });
      return url.href;
    },

    async redeem(connection, input) {
      const config = await withConfiguration(connection, input.clientSecret);
      const primed = await primeKeys(connection, config);
      let claims: Record<string, unknown> | undefined;
      try {
        const tokens = await oidc.authorizationCodeGrant(
          config,
          input.callbackUrl,
          {
            pkceCodeVerifier: input.codeVerifier,
            expectedNonce: input.nonce,
            expectedState: input.state,
            idTokenExpected: true,
          },
          { redirect_uri: input.redirectUri },
        );
        claims = tokens.claims() as Record<string, unknown> | undefined;
      } catch (err) {
        // The reason is logged by name only: messages can quote token contents.
        options.logger.warn('federation.redeem_failed', {
          connection: connection.id,
          failure: errorName(err),
        });
        throw new UpstreamRefused('invalid_response');
      }
      if (!claims || !freshlyIssued(claims.iat, now() / 1000)) {
        options.logger.warn('federation.redeem_failed', { connection: connection.id, failure: 'iat' });
        throw new UpstreamRefused('invalid_response');
      }
      await keepKeys(connection, config, primed);
      return claims;
    },

    async endSessionUrl(connection, input) {
      const config = await withConfiguration(connection, input.clientSecret);
      if (!config.serverMetadata().end_session_endpoint) return null;
      return oidc.buildEndSessionUrl(config, {
        client_id: connection.clientId,
        post_logout_redirect_uri: input.postLogoutRedirectUri,
        state: input.state,
      }).href;
    },
  };
}

/**
 * client_secret_post with the client secret, or private_key_jwt with the connection's RSA private key
 * (`credential`, PKCS#8 PEM). The assertion is openid-client's (PrivateKeyJwt), adjusted only where
 * upstreams need it: `x5t#S256` in the header names the certificate the upstream holds (Entra ID
 * finds the key by it), and `aud` is the token endpoint from discovery — what Entra ID and Okta
 * require — instead of openid-client's default, the issuer. Entra gets PS256, the algorithm Microsoft
 * documents for `x5t#S256` assertions; every other upstream RS256.
 */
function clientAuthentication(connection: Connection, credential: string): oidc.ClientAuth {
  const certificate = connection.certificate;
  if (!certificate) return oidc.ClientSecretPost(credential);
  const key = createPrivateKey(credential).toCryptoKey(
    { name: connection.type === 'entra' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return (as, client, body, headers) => {
    const tokenEndpoint = as.token_endpoint;
    if (!tokenEndpoint) throw new Error('the upstream advertises no token endpoint');
    return oidc.PrivateKeyJwt(key, { [oidc.modifyAssertion]: assertionFor(certificate, tokenEndpoint) })(
      as,
      client,
      body,
      headers,
    );
  };
}

function assertionFor(
  certificate: ConnectionCertificate,
  tokenEndpoint: string,
): oidc.ModifyAssertionFunction {
  return (header, payload) => {
    header.typ = 'JWT';
    header['x5t#S256'] = certificate.x5tS256;
    payload.aud = tokenEndpoint;
  };
}

function freshlyIssued(iat: unknown, nowSeconds: number): boolean {
  return (
    typeof iat === 'number' && iat <= nowSeconds + MAX_FUTURE_SECONDS && iat >= nowSeconds - MAX_AGE_SECONDS
  );
}

/**
 * The error's name and code, and its cause's (openid-client wraps what the fetch refused): never its
 * message, which can quote token contents. Logged as `failure`: the logger redacts keys named `code`.
 */
function errorName(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown';
  const own = `${err.name}${'code' in err ? `:${String(err.code)}` : ''}`;
  return err.cause instanceof Error ? `${own} <- ${errorName(err.cause)}` : own;
}
