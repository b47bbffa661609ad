import type { Locale } from '../../i18n/index.ts';
import { audit, auditTenant, type DomainDeps } from '../deps.ts';
import { notifyUser } from '../mfa/notify.ts';
import type { Connection } from '../ports.ts';

/**
 * Linking an upstream identity to an existing account by proving that account (OIDC federation
 * without "nOAuth"): when a new upstream identity arrives with the address of an enabled account of
 * the connection's tenant, Sesame does not sign anyone in. It offers the link, bound to the Sesame
 * interaction, and asks for that account's password — through the ordinary password step, with its
 * lockout and timing — and its second factor when the account has one or policy asks for one. Only
 * when that whole sign-in succeeds, in the same interaction, is the link made (acceptLinkOffer).
 * The offer names the account; a sign-in as anyone else links nothing.
 */
export async function offerLink(
  deps: DomainDeps,
  input: {
    uid: string;
    connection: Connection;
    identity: { issuer: string; subject: string };
    userId: string;
    upstreamAccount: string;
    expiresAt: number;
  },
): Promise<void> {
  await deps.federationStates.putOffer({
    uid: input.uid,
    connectionId: input.connection.id,
    ...input.identity,
    userId: input.userId,
    upstreamAccount: input.upstreamAccount,
    expiresAt: input.expiresAt,
  });
  await audit(deps, {
    type: 'federation.link_offered',
    outcome: 'success',
    actor: `connection:${input.connection.id}`,
    target: input.userId,
    tenant: input.connection.tenantId,
    details: { connection: input.connection.id },
  });
}

/** What the page asking for the password shows: the account's address and the provider's name. */
export async function linkOfferFor(
  deps: DomainDeps,
  uid: string,
): Promise<{ email: string; connectionName: string; upstreamAccount: string } | null> {
  const offer = await deps.federationStates.offer(uid, deps.clock.now().getTime());
  if (!offer) return null;
  const [user, connection] = await Promise.all([
    deps.users.findById(offer.userId),
    deps.connections.get(offer.connectionId),
  ]);
  if (!user || user.disabled || !connection || connection.disabled) return null;
  return {
    email: user.email,
    connectionName: connection.displayName,
    upstreamAccount: offer.upstreamAccount,
  };
}

/**
 * Called when interaction `uid` has signed `userId` in with the password (and the second factor it
 * needed): makes the offered link if the offer was for this very account. True when linked.
 */
export async function acceptLinkOffer(
  deps: DomainDeps,
  /** `locale`: the language of the sign-in, for the e-mail. */
  input: { uid: string; userId: string; locale?: Locale },
): Promise<boolean> {
  const offer = await deps.federationStates.takeOffer(input.uid, deps.clock.now().getTime());
  if (!offer || offer.userId !== input.userId) return false;
  const [user, connection] = await Promise.all([
    deps.users.findById(offer.userId),
    deps.connections.get(offer.connectionId),
  ]);
  if (!user || user.disabled || !connection || connection.disabled) return false;
  if (user.tenantId !== connection.tenantId) return false;
  const linked = await deps.links.create({
    connectionId: offer.connectionId,
    issuer: offer.issuer,
    subject: offer.subject,
    userId: offer.userId,
    createdAt: deps.clock.now().toISOString(),
  });
  // Linked meanwhile (an administrator, or the same proof in another tab): nothing more to do here.
  if (!linked) return false;
  await audit(deps, {
    type: 'federation.linked',
    outcome: 'success',
    actor: user.id,
    target: user.id,
    tenant: auditTenant(user),
    details: { connection: connection.id, proven: 'password' },
  });
  // As for every change to how the account signs in: a link made with a stolen password is noticed.
  await notifyUser(deps, user, 'linked', {
    values: { connection: connection.id },
    ...(input.locale ? { locale: input.locale } : {}),
  });
  return true;
}
