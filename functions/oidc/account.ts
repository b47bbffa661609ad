import type { Account, FindAccount, KoaContextWithOIDC } from 'oidc-provider';
import type { RoleStore, Tenant, UserStore } from '../domain/ports.ts';
import { type Lifetimes, pastFederatedLimit } from './lifetimes.ts';
import { passwordRefused, sessionEnded, signedInBeforeReset, userForRequest } from './session-check.ts';

/**
 * oidc-provider's findAccount: claims come from the directory at the moment a token or userinfo
 * response is made. Disabled or deleted users have no account, so their sessions and tokens stop
 * working; a password reset ends every session and refresh token from a sign-in before it.
 * `roles` lists the user's roles in the client asking — never another app's. `tenant` names the user's
 * tenant (its id always, its name with the `profile` scope).
 */
export function accountFinder(
  users: UserStore,
  roles: RoleStore,
  lifetimes: Lifetimes,
  /** A tenant's settings (cached like an app's): its name for the claim, its federation-only policy. */
  tenantSettings: (tenantId: string) => Promise<Tenant | null>,
): FindAccount {
  return async (ctx: KoaContextWithOIDC, sub: string, token?: unknown): Promise<Account | undefined> => {
    // Shared with the interaction policy's checks of the same request (one read, not three).
    const user = await userForRequest(ctx, users, sub);
    if (!user || user.disabled) return undefined;
    // Tokens from a sign-in before the last password reset are dead. (Browser sessions are sent back
    // to the login page by the interaction policy instead: see session-check.ts.)
    const t = token as
      | {
          authTime?: number;
          iat?: number;
          amr?: unknown;
          kind?: string;
          sessionUid?: string;
          expiresWithSession?: boolean;
        }
      | undefined;
    if (t && signedInBeforeReset(user, t.authTime ?? t.iat)) return undefined;
    // A code, or a token that lives only as long as its browser session, from a session the user
    // ended on the account page (offline refresh tokens outlive it, as they outlive a logout).
    const sessionBound = t?.kind === 'AuthorizationCode' || t?.expiresWithSession === true;
    if (t && sessionBound && sessionEnded(user, t.sessionUid, t.authTime ?? t.iat)) return undefined;
    // A refresh token or code from a federated sign-in past its maximum lifetime is dead too.
    if (t && pastFederatedLimit(lifetimes, t.amr, t.authTime)) return undefined;
    // A code or refresh token from a password sign-in of a tenant that now signs in through its
    // connections only is dead (access tokens carry no amr: they expire on their own, soon).
    if (t?.amr !== undefined && (await passwordRefused(user, t.amr, tenantSettings))) return undefined;
    return {
      accountId: user.id,
      async claims(_use, scope) {
        const granted = new Set(scope.split(' '));
        const clientId = ctx.oidc.client?.clientId;
        const profile = granted.has('profile');
        return {
          sub: user.id,
          // Which company the user belongs to, so apps can keep each company's data apart (MxID).
          tenant: {
            id: user.tenantId,
            ...(profile ? { name: (await tenantSettings(user.tenantId))?.name ?? user.tenantId } : {}),
          },
          ...(granted.has('email') ? { email: user.email, email_verified: user.emailVerified } : {}),
          ...(profile ? { name: user.name } : {}),
          ...(granted.has('roles') && clientId ? { roles: await roles.rolesIn(user.id, clientId) } : {}),
        };
      },
    };
  };
}
