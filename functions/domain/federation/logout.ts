import { audit, type DomainDeps } from '../deps.ts';
import { usableConnection } from './routing.ts';
import { secretOf } from './sign-in.ts';
import { UpstreamRefused } from './upstream.ts';

/**
 * Logout at the upstream too (the connection's `upstreamLogout`): when a user who signed in through
 * an upstream provider signs out of Sesame, the browser goes on to that provider's
 * `end_session_endpoint` (OIDC RP-Initiated Logout, with `client_id` — upstream ID tokens are not
 * kept, so there is no `id_token_hint`), which returns it to Sesame's per-connection logged-out URL,
 * and from there to where Sesame's own logout was going (the app's registered post-logout URI).
 *
 * That destination travels through the upstream in `state`, sealed (encrypted and authenticated) to
 * the connection and short-lived, so the logged-out URL can only ever send a browser where a Sesame
 * logout was already going: it is no open redirect.
 */
const RETURN_TTL_MS = 10 * 60 * 1000;

export function loggedOutUrl(issuer: string, connectionId: string): string {
  return `${issuer.replace(/\/$/, '')}/federation/${encodeURIComponent(connectionId)}/logged-out`;
}

const sealContext = (connectionId: string) => `federation-logout\0${connectionId}`;

/**
 * Where to send a browser whose federated Sesame session just ended, or null (stay with `returnTo`):
 * the user's connection, when it is the only one the user is linked through and it asks for upstream
 * logout. With several links (which of them the session came from is not recorded), Sesame's own
 * logout is all there is.
 */
export async function upstreamLogoutUrl(
  deps: DomainDeps,
  input: { userId: string; returnTo: string },
): Promise<string | null> {
  const ids = [...new Set((await deps.links.byUser(input.userId)).map((l) => l.connectionId))];
  // Which connection the session came from is not recorded: with several, any might be wrong.
  if (ids.length !== 1) return null;
  const connection = await usableConnection(deps, ids[0] as string);
  if (!connection?.upstreamLogout) return null;
  const state = await deps.box.seal(
    JSON.stringify({ to: input.returnTo, exp: deps.clock.now().getTime() + RETURN_TTL_MS }),
    sealContext(connection.id),
  );
  let url: string | null;
  try {
    url = await deps.upstream.endSessionUrl(connection, {
      clientSecret: await secretOf(deps, connection),
      postLogoutRedirectUri: loggedOutUrl(deps.config.issuer, connection.id),
      state,
    });
  } catch (err) {
    if (err instanceof UpstreamRefused) return null; // unreachable upstream: Sesame's logout stands
    throw err;
  }
  if (url)
    await audit(deps, {
      type: 'federation.logout',
      outcome: 'success',
      actor: input.userId,
      target: input.userId,
      tenant: connection.tenantId,
      details: { connection: connection.id },
    });
  return url;
}

/** Where the upstream's logout returns to: the destination sealed in `state`, or null when it is not one. */
export async function afterUpstreamLogout(
  deps: DomainDeps,
  input: { connectionId: string; state: string },
): Promise<string | null> {
  if (!input.state || input.state.length > 4096) return null;
  try {
    const { to, exp } = JSON.parse(await deps.box.open(input.state, sealContext(input.connectionId))) as {
      to?: unknown;
      exp?: unknown;
    };
    if (typeof to !== 'string' || typeof exp !== 'number' || exp < deps.clock.now().getTime()) return null;
    return to;
  } catch {
    return null; // not sealed by Sesame for this connection
  }
}
