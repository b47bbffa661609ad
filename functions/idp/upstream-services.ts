import type { DomainDeps } from '../domain/deps.ts';
import { acceptLinkOffer, linkOfferFor } from '../domain/federation/link-offer.ts';
import { afterUpstreamLogout, upstreamLogoutUrl } from '../domain/federation/logout.ts';
import { usableConnection } from '../domain/federation/routing.ts';
import { finishFederation, startFederation } from '../domain/federation/sign-in.ts';
import type { FederationServices } from '../interactions/services.ts';
import { signedInUser } from './signed-in-user.ts';

/** The upstream legs of a federated sign-in, its link offers and logout; what is left of federation. */
export type UpstreamServices = Omit<FederationServices, 'buttons' | 'routeFor'>;

/**
 * Sign-in through an upstream identity provider (domain/federation/), loaded by the first request
 * that goes upstream (parts.ts). Starting and finishing a sign-in read the connection afresh.
 */
export function upstreamServices(deps: DomainDeps): UpstreamServices {
  return {
    async start({ uid, connectionId, interactionExpiresAt, browserKey, loginHint, invitation }) {
      const connection = await usableConnection(deps, connectionId);
      if (!connection) return null;
      return startFederation(deps, {
        uid,
        connection,
        interactionExpiresAt,
        browserKey,
        ...(loginHint ? { loginHint } : {}),
        ...(invitation ? { invitation } : {}),
      });
    },
    async finish(input) {
      const done = await finishFederation(deps, input);
      if (done.kind === 'link-offered') return done;
      return {
        kind: 'signed-in',
        uid: done.uid,
        userId: done.user.id,
        user: signedInUser(done.user),
        upstreamMfa: done.upstreamMfa,
        ...(done.invitation ? { invitation: done.invitation } : {}),
      };
    },
    linkOffer: (uid) => linkOfferFor(deps, uid),
    acceptLink: (input) => acceptLinkOffer(deps, input),
    logoutUrl: (input) => upstreamLogoutUrl(deps, input),
    afterLogout: (input) => afterUpstreamLogout(deps, input),
  };
}
