import type { Grant, KoaContextWithOIDC } from 'oidc-provider';

/**
 * oidc-provider asks for consent unless a grant covers the request. First-party apps (marked by an
 * admin) are trusted with whatever scopes and claims they request, so their grant is created or
 * extended here and the consent screen never shows. Third-party apps get the library's default.
 */
export async function firstPartyGrantLoader(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
  const { client, session, provider } = ctx.oidc;
  if (!client || !session?.accountId) return undefined;
  const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
  const existing = grantId ? await provider.Grant.find(grantId) : undefined;
  if (!(client as unknown as { first_party?: boolean }).first_party) return existing;

  const grant = existing ?? new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
  const requested = [...ctx.oidc.requestParamScopes];
  const servers = Object.values(ctx.oidc.resourceServers ?? {});
  const scopes = requested.filter(
    (s) => !grant.getOIDCScope().split(' ').includes(s) && !servers.some((rs) => rs.scopes.has(s)),
  );
  const claims = [...ctx.oidc.requestParamClaims];
  // Scopes of a requested resource (the admin API) the grant lacks; oidc-provider vetted the
  // resource for this client (getResourceServerInfo) before the grant is loaded.
  const resourceScopes = Object.entries(ctx.oidc.resourceServers ?? {}).flatMap(([indicator, rs]) => {
    const held = grant.getResourceScope(indicator).split(' ');
    const missing = requested.filter((s) => rs.scopes.has(s) && !held.includes(s));
    return missing.length ? [[indicator, missing.join(' ')] as const] : [];
  });
  if (existing && scopes.length === 0 && claims.length === 0 && resourceScopes.length === 0) return existing;
  if (scopes.length) grant.addOIDCScope(scopes.join(' '));
  if (claims.length) grant.addOIDCClaims(claims);
  for (const [indicator, missing] of resourceScopes) grant.addResourceScope(indicator, missing);
  await grant.save();
  return grant;
}
