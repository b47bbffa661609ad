import type { Upstream } from '../domain/federation/upstream.ts';
import type { UpstreamClientOptions } from './upstream-client.ts';

/**
 * The upstream client as the Lambda wires it: openid-client and oauth4webapi are loaded by the first
 * federated sign-in or upstream logout a container serves, not by every cold start (most requests
 * never reach an upstream). The bundle keeps them in a chunk of their own (infra/bundling.ts).
 */
export function lazyUpstreamClient(options: UpstreamClientOptions): Upstream {
  let loading: Promise<Upstream> | undefined;
  const client = () => {
    loading ??= import('./upstream-client.ts')
      .then((m) => m.upstreamClient(options))
      .catch((err: unknown) => {
        loading = undefined;
        throw err;
      });
    return loading;
  };
  return {
    authorizationUrl: async (connection, input) => (await client()).authorizationUrl(connection, input),
    redeem: async (connection, input) => (await client()).redeem(connection, input),
    endSessionUrl: async (connection, input) => (await client()).endSessionUrl(connection, input),
  };
}
