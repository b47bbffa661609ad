import { errors, type KoaContextWithOIDC } from 'oidc-provider';

/**
 * The admin API as an OAuth resource server of Sesame's own (RFC 8707 resource indicators): an app
 * with admin API access asks for `resource=<issuer>/admin/api/v1` and scope `admin`, and receives a
 * short-lived JWT access token for that resource alone (RFC 9068), which the API verifies with
 * Sesame's public keys. No other resource exists: any other indicator is `invalid_target`.
 */
export const ADMIN_SCOPE = 'admin';
/** Admin tokens live five minutes: a JWT cannot be revoked, so a withdrawn right must not linger. */
export const ADMIN_TOKEN_SECONDS = 300;
/** The claim saying whether a token speaks for a signed-in user or for the app itself. */
export const ACTOR_CLAIM = 'sesame_actor';

export function adminResource(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/admin/api/v1`;
}

/** The client metadata property carrying an app's AdminApiAccess into oidc-provider. */
export const ADMIN_API_METADATA = 'sesame_admin_api';

type ClientLike = { clientId: string } & Record<string, unknown>;

/** oidc-provider's `features.resourceIndicators` for the one resource. */
export function adminResourceIndicators(issuer: string) {
  const resource = adminResource(issuer);
  return {
    enabled: true,
    defaultResource: async (_ctx: KoaContextWithOIDC, _client: unknown, oneOf?: string) => oneOf,
    useGrantedResource: async () => false,
    getResourceServerInfo: async (_ctx: KoaContextWithOIDC, indicator: string, client: ClientLike) => {
      // Only apps the operator gave admin API access; what the token may do is decided per request.
      if (indicator !== resource || typeof client[ADMIN_API_METADATA] !== 'string')
        throw new errors.InvalidTarget();
      return {
        scope: ADMIN_SCOPE,
        audience: resource,
        accessTokenTTL: ADMIN_TOKEN_SECONDS,
        accessTokenFormat: 'jwt' as const,
        jwt: { sign: { alg: 'RS256' as const } },
      };
    },
  };
}

interface SignInRecord {
  acr?: string;
  amr?: string[];
  authTime?: number;
}

/**
 * Claims added to admin API tokens: whether it is a user's or the app's (`sesame_actor`), and for a
 * user how and when they signed in (`acr`, `amr`, `auth_time`), read from the code or refresh token
 * it was exchanged for. Other tokens get nothing extra.
 */
export function adminTokenClaims(issuer: string) {
  const resource = adminResource(issuer);
  return async (
    ctx: KoaContextWithOIDC,
    token: { kind: string; resourceServer?: { identifier(): string } },
  ): Promise<Record<string, unknown> | undefined> => {
    if (token.resourceServer?.identifier() !== resource) return undefined;
    if (token.kind === 'ClientCredentials') return { [ACTOR_CLAIM]: 'client' };
    const entities = ctx.oidc.entities as { AuthorizationCode?: SignInRecord; RefreshToken?: SignInRecord };
    const source = entities.AuthorizationCode ?? entities.RefreshToken;
    return {
      [ACTOR_CLAIM]: 'user',
      ...(source?.acr ? { acr: source.acr } : {}),
      ...(source?.amr ? { amr: source.amr } : {}),
      ...(source?.authTime ? { auth_time: source.authTime } : {}),
    };
  };
}
