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
  const scopes = [...ctx.oidc.requestParamScopes].filter((s) => !grant.getOIDCScope().split(' ').includes(s));
  const claims = [...ctx.oidc.requestParamClaims];
  if (existing && scopes.length === 0 && claims.length === 0) return existing;
  if (scopes.length) grant.addOIDCScope(scopes.join(' '));
  if (claims.length) grant.addOIDCClaims(claims);
  await grant.save();
  return grant;
}
