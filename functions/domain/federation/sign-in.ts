import { randomBytes } from 'node:crypto';
import { createUser, newUserId } from '../accounts.ts';
import { audit, auditTenant, type DomainDeps } from '../deps.ts';
import { sameDigest } from '../digests.ts';
import { normaliseEmail } from '../email.ts';
import { isDomainError } from '../errors.ts';
import type { Connection, User } from '../ports.ts';
import { connectionCredential } from './credential.ts';
import { offerLink } from './link-offer.ts';
import { syncMappedRoles } from './roles.ts';
import { usableConnection } from './routing.ts';
import { domainOf } from './settings.ts';
import { type RefusalReason, UpstreamRefused } from './upstream.ts';

/**
 * A federated sign-in (the `fed` first step): Sesame sends the browser to the connection's upstream
 * with code + PKCE S256 + state + nonce kept server side and bound to the Sesame interaction, and
 * on the way back finds (or creates, just in time) the user by the identity link alone — never by
 * e-mail address ("nOAuth"). See ../../../shared/DESIGN.md, "Identity link".
 */

/** The upstream leg may take as long as the interaction, but no longer than this. */
const STATE_TTL_MS = 10 * 60 * 1000;

const random = () => randomBytes(32).toString('base64url');

export function callbackUrl(issuer: string, connectionId: string): string {
  return `${issuer.replace(/\/$/, '')}/federation/${encodeURIComponent(connectionId)}/callback`;
}

/** The connection's credential (client secret or private key), for a call to its upstream. */
export const secretOf = (deps: DomainDeps, c: Connection) => connectionCredential(deps, c);

const browserDigest = (deps: DomainDeps, key: string) => deps.box.digest(`federation-browser\0${key}`);

/**
 * Starts the upstream leg of interaction `uid`: returns where to send the browser. `browserKey` is
 * the value of the starting browser's federation cookie; only that browser may finish the leg.
 */
export async function startFederation(
  deps: DomainDeps,
  input: {
    uid: string;
    connection: Connection;
    interactionExpiresAt: number;
    browserKey: string;
    loginHint?: string;
    /** The invitation the browser carries (its ref): accepted when this sign-in finishes. */
    invitation?: string;
  },
): Promise<string> {
  const { connection } = input;
  const state = random();
  const nonce = random();
  const codeVerifier = random();
  const domain = input.loginHint ? domainOf(input.loginHint) : '';
  // The URL first: an upstream that cannot be reached leaves no state behind.
  const url = await deps.upstream.authorizationUrl(connection, {
    clientSecret: await secretOf(deps, connection),
    redirectUri: callbackUrl(deps.config.issuer, connection.id),
    state,
    nonce,
    codeVerifier,
    ...(input.loginHint ? { loginHint: input.loginHint } : {}),
    ...(connection.type === 'entra' && domain ? { domainHint: domain } : {}),
  });
  const now = deps.clock.now().getTime();
  await deps.federationStates.put({
    key: await deps.box.digest(`federation-state\0${state}`),
    uid: input.uid,
    connectionId: connection.id,
    nonce,
    codeVerifier,
    browser: await browserDigest(deps, input.browserKey),
    expiresAt: Math.min(input.interactionExpiresAt, now + STATE_TTL_MS),
    ...(input.invitation ? { invitation: input.invitation } : {}),
  });
  return url;
}

export interface FederatedUser {
  kind: 'signed-in';
  uid: string;
  user: User;
  connection: Connection;
  /** The upstream proved MFA with an `acr`/`amr` value this connection trusts. */
  upstreamMfa: boolean;
  /** The invitation carried into the sign-in, to accept when it finishes. */
  invitation?: string;
}

/** A new identity with an existing account's address: linked only if the user proves that account. */
export interface LinkOffered {
  kind: 'link-offered';
  uid: string;
}

/**
 * The callback: takes the state (once), checks it belongs to this connection, redeems the code with
 * every ID token check, and resolves the user. Every refusal is audited with the connection id and
 * thrown as UpstreamRefused; `uid` is known from the state when there is one (to end the sign-in).
 */
export async function finishFederation(
  deps: DomainDeps,
  input: { connectionId: string; callbackUrl: URL; browserKey: string },
): Promise<FederatedUser | LinkOffered> {
  const params = input.callbackUrl.searchParams;
  const now = deps.clock.now().getTime();
  // The connection's tenant, once the connection is known: its administrators see its refusals.
  let tenant: string | null = null;
  const refuse = async (reason: RefusalReason, extra: { target?: string; uid?: string } = {}) => {
    await audit(deps, {
      type: 'federation.refused',
      outcome: 'failure',
      actor: 'anonymous',
      tenant,
      reason,
      ...(extra.target ? { target: extra.target } : {}),
      details: { connection: input.connectionId.slice(0, 64) },
    });
    throw new UpstreamRefused(reason, extra.uid);
  };

  const stateParam = params.get('state') ?? '';
  const state = stateParam
    ? await deps.federationStates.take(await deps.box.digest(`federation-state\0${stateParam}`), now)
    : null;
  if (!state) return refuse('state_unknown');
  const uid = state.uid;
  // Taken either way: a state that reached another browser is used up, not left for its owner.
  if (!input.browserKey || !sameDigest(await browserDigest(deps, input.browserKey), state.browser))
    return refuse('browser_mismatch');
  // Entra sends no RFC 9207 `iss`: the per-connection callback URL is the mix-up defence.
  if (state.connectionId !== input.connectionId) return refuse('connection_mismatch', { uid });
  const connection = await usableConnection(deps, state.connectionId);
  if (!connection) return refuse('connection_disabled', { uid });
  tenant = connection.tenantId;
  if (params.has('error')) return refuse('upstream_error', { uid });

  let claims: Record<string, unknown>;
  try {
    claims = await deps.upstream.redeem(connection, {
      clientSecret: await secretOf(deps, connection),
      callbackUrl: input.callbackUrl,
      redirectUri: callbackUrl(deps.config.issuer, connection.id),
      state: stateParam,
      nonce: state.nonce,
      codeVerifier: state.codeVerifier,
    });
  } catch (err) {
    if (err instanceof UpstreamRefused) return refuse(err.reason, { uid });
    throw err;
  }

  const identity = upstreamIdentity(connection, claims);
  if (typeof identity === 'string') return refuse(identity, { uid });
  if (groupsOverflowed(claims)) return refuse('groups_overage', { uid });

  let user: User;
  try {
    const found = await linkedUser(deps, connection, identity, claims);
    if ('existing' in found) {
      await offerLink(deps, {
        uid,
        connection,
        identity,
        userId: found.existing,
        upstreamAccount: found.upstreamAccount,
        expiresAt: state.expiresAt,
      });
      return { kind: 'link-offered', uid };
    }
    user = found;
  } catch (err) {
    if (err instanceof UpstreamRefused) return refuse(err.reason, { uid });
    throw err;
  }
  if (user.disabled) return refuse('user_disabled', { uid, target: user.id });
  // A link made by an administrator to a user of another tenant is no way into that tenant.
  if (user.tenantId !== connection.tenantId) return refuse('wrong_tenant', { uid, target: user.id });

  await syncMappedRoles(deps, user.id, connection, claims);
  const upstreamMfa = trustsMfa(connection, claims);
  await audit(deps, {
    type: 'federation.login',
    outcome: 'success',
    actor: user.id,
    target: user.id,
    tenant: auditTenant(user),
    details: { connection: connection.id, upstreamMfa },
  });
  return {
    kind: 'signed-in',
    uid,
    user,
    connection,
    upstreamMfa,
    ...(state.invitation ? { invitation: state.invitation } : {}),
  };
}

/**
 * Who the upstream says the user is: Entra's `oid` within the connection's own directory (`tid`),
 * since its `sub` is pairwise per app; `sub` elsewhere. The issuer has already been matched exactly.
 */
export function upstreamIdentity(
  connection: Connection,
  claims: Record<string, unknown>,
): { issuer: string; subject: string } | RefusalReason {
  const issuer = connection.issuer;
  if (connection.type === 'entra') {
    if (claims.tid !== connection.entraTenantId) return 'wrong_tenant';
    // Object ids are GUIDs; `user link` stores them lower-case too.
    return typeof claims.oid === 'string' && claims.oid
      ? { issuer, subject: claims.oid.toLowerCase() }
      : 'missing_claims';
  }
  return typeof claims.sub === 'string' && claims.sub ? { issuer, subject: claims.sub } : 'missing_claims';
}

/** Entra leaves `groups` out above 200 groups and points elsewhere instead: never read as "no groups". */
function groupsOverflowed(claims: Record<string, unknown>): boolean {
  const names = claims._claim_names;
  const overage = typeof names === 'object' && names !== null && Object.hasOwn(names as object, 'groups');
  return overage || claims.hasgroups === true || claims.hasgroups === 'true';
}

function trustsMfa(connection: Connection, claims: Record<string, unknown>): boolean {
  const acr = typeof claims.acr === 'string' ? claims.acr : null;
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((v) => typeof v === 'string') : [];
  return (
    (acr !== null && connection.trustMfa.acr.includes(acr)) ||
    amr.some((v) => connection.trustMfa.amr.includes(v))
  );
}

/** How the upstream account is named on the link page: its username (or address) and name. */
function upstreamAccountOf(claims: Record<string, unknown>, email: string): string {
  const username =
    typeof claims.preferred_username === 'string' ? claims.preferred_username.slice(0, 254) : email;
  const name = profileName(claims);
  return name ? `${username} (${name})` : username;
}

const profileName = (claims: Record<string, unknown>) =>
  typeof claims.name === 'string' ? claims.name.normalize('NFC').trim().slice(0, 200) : '';

/** An address the upstream gives for contact: `email`, or Entra's `preferred_username` when it is one. */
function contactEmail(connection: Connection, claims: Record<string, unknown>): string | null {
  const candidates = [claims.email, connection.type === 'entra' ? claims.preferred_username : undefined];
  const found = candidates.find((c): c is string => typeof c === 'string' && c.includes('@'));
  return found ?? null;
}

/**
 * The user behind the identity link, or a new one (just in time) in the connection's tenant, with
 * no password. A new identity whose e-mail belongs to an existing account is never linked by that
 * address (addresses are mutable and reusable upstream): when the account is an enabled one of the
 * connection's tenant, `existing` names it, for a link the user must earn by proving it (link-offer.ts);
 * otherwise the sign-in is refused.
 */
async function linkedUser(
  deps: DomainDeps,
  connection: Connection,
  identity: { issuer: string; subject: string },
  claims: Record<string, unknown>,
): Promise<User | { existing: string; upstreamAccount: string }> {
  const link = await deps.links.find(connection.id, identity.issuer, identity.subject);
  if (link) {
    const user = await deps.users.findById(link.userId);
    // A concurrent first sign-in claimed the link and is still creating the user.
    if (!user) throw new UpstreamRefused('busy');
    const name = profileName(claims);
    if (name && name !== user.name) {
      await deps.users.updateProfile(user.id, { name });
      return { ...user, name };
    }
    return user;
  }

  const email = contactEmail(connection, claims);
  if (!email) throw new UpstreamRefused('missing_claims');
  // Addresses are unique across tenants: an upstream must not claim one at a domain another tenant
  // proved (squatting it for that tenant's real user), nor one it says it did not verify.
  if (claims.email_verified === false) throw new UpstreamRefused('missing_claims');
  const held = await deps.tenants.getDomain(domainOf(email));
  if (held?.verified && held.tenantId !== connection.tenantId) throw new UpstreamRefused('foreign_domain');
  // The link is claimed first, for a fresh id: of two concurrent first sign-ins one creates the user.
  const userId = newUserId();
  const claimed = await deps.links.create({
    connectionId: connection.id,
    ...identity,
    userId,
    createdAt: deps.clock.now().toISOString(),
  });
  if (!claimed) return linkedUser(deps, connection, identity, claims);
  try {
    const federationOnly = (await deps.tenants.get(connection.tenantId))?.federationOnly === true;
    const user = await createUser(deps, {
      id: userId,
      email,
      name: profileName(claims),
      tenantId: connection.tenantId,
      actor: `connection:${connection.id}`,
      ...(federationOnly ? { federationOnly } : {}),
    });
    await audit(deps, {
      type: 'federation.linked',
      outcome: 'success',
      actor: `connection:${connection.id}`,
      tenant: connection.tenantId,
      target: user.id,
      details: { connection: connection.id, jit: true },
    });
    return user;
  } catch (err) {
    await deps.links.delete({ connectionId: connection.id, ...identity, userId, createdAt: '' });
    if (isDomainError(err, 'email_taken')) {
      const existing = await deps.users.findByEmailKey(normaliseEmail(email).emailKey);
      // Offered only where the tenant made this connection the authority for the address's domain
      // (proved and routed to it): any other upstream account claiming the address could otherwise
      // be linked by luring the account's owner onto the link page. And only to an account with a
      // password to prove it by.
      const authoritative =
        held?.verified && held.tenantId === connection.tenantId && held.connectionId === connection.id;
      if (
        authoritative &&
        existing &&
        !existing.disabled &&
        existing.passwordHash !== null &&
        existing.tenantId === connection.tenantId
      )
        return { existing: existing.id, upstreamAccount: upstreamAccountOf(claims, email) };
      throw new UpstreamRefused('email_taken');
    }
    if (isDomainError(err, 'invalid_email')) throw new UpstreamRefused('missing_claims');
    throw err;
  }
}
