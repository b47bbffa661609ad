import type { Connection } from '../ports.ts';

/**
 * The relying-party side of a federated sign-in, as the domain needs it: build the upstream
 * authorization URL, and redeem the callback into the claims of a validated ID token. The
 * implementation (functions/federation/upstream-client.ts) is openid-client with every check on;
 * the domain decides what the claims mean. `clientSecret` is the connection's credential: its client
 * secret, or the private key (PKCS#8 PEM) when the connection authenticates with private_key_jwt.
 */
export interface Upstream {
  authorizationUrl(
    connection: Connection,
    input: {
      clientSecret: string;
      redirectUri: string;
      state: string;
      nonce: string;
      codeVerifier: string;
      loginHint?: string;
      domainHint?: string;
    },
  ): Promise<string>;
  /** Throws UpstreamRefused when anything about the response or the ID token is not as expected. */
  redeem(
    connection: Connection,
    input: {
      clientSecret: string;
      callbackUrl: URL;
      redirectUri: string;
      state: string;
      nonce: string;
      codeVerifier: string;
    },
  ): Promise<Record<string, unknown>>;
  /** Where to send the browser to end the upstream session too, if the upstream has such an endpoint. */
  endSessionUrl(
    connection: Connection,
    input: { clientSecret: string; postLogoutRedirectUri: string; state: string },
  ): Promise<string | null>;
}

/**
 * A federated sign-in refused for a reason the page and the audit trail name. None of them lets the
 * sign-in continue, and none creates or changes a user.
 */
export type RefusalReason =
  /** Unknown, expired or already used `state` (a replayed callback, or one from another sign-in). */
  | 'state_unknown'
  /** The callback arrived at another connection's URL than the sign-in started (mix-up). */
  | 'connection_mismatch'
  | 'connection_disabled'
  /** The upstream answered with an error (the user cancelled, or was not allowed there). */
  | 'upstream_error'
  /** The response or the ID token failed validation (issuer, audience, nonce, signature, time). */
  | 'invalid_response'
  /** Entra: the token is from another directory than the connection's. */
  | 'wrong_tenant'
  /** The upstream did not say who the user is in a way Sesame can use (no subject, no e-mail). */
  | 'missing_claims'
  /** Entra's group overage: the groups claim was too long to be in the token. */
  | 'groups_overage'
  /** A new upstream identity whose e-mail address belongs to an existing account: never linked. */
  | 'email_taken'
  | 'user_disabled'
  /** The interaction ended meanwhile (expired, or finished in another tab). */
  | 'expired'
  /** The callback came to another browser than the one that started the sign-in. */
  | 'browser_mismatch'
  /** The upstream could not be reached or its metadata was not acceptable. */
  | 'upstream_unavailable'
  /** A first sign-in of the same identity is being set up at this moment: try again. */
  | 'busy'
  /** A new identity whose address is at a domain another tenant has proved: never created. */
  | 'foreign_domain';

export class UpstreamRefused extends Error {
  override name = 'UpstreamRefused';
  constructor(
    readonly reason: RefusalReason,
    /** The Sesame interaction the refused sign-in belonged to, when the state said so. */
    readonly uid?: string,
  ) {
    super(reason);
  }
}
