import type { DomainDeps } from '../deps.ts';
import type { Connection } from '../ports.ts';
import { UpstreamRefused } from './upstream.ts';

/**
 * The credential a sign-in through `connection` authenticates with. A connection without one (the
 * secret was deleted, or never written) refuses the sign-in: it fails closed, with the same page as
 * an unreachable upstream.
 */
export async function connectionCredential(deps: DomainDeps, connection: Connection): Promise<string> {
  const value = await deps.connectionSecrets.get(connection.id);
  if (value === null) throw new UpstreamRefused('upstream_unavailable');
  return value;
}
