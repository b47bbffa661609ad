import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

const require = createRequire(import.meta.url);

export interface EmbeddedStore {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * dynalite: the DynamoDB API in pure Node, on LevelDB when `path` is given (npm start keeps data
 * between restarts) or in memory (tests). It validates requests like DynamoDB but has no
 * transactions and no TTL API, so Sesame's code never relies on either.
 */
export async function startEmbeddedStore(
  options: { path?: string; port?: number } = {},
): Promise<EmbeddedStore> {
  const dynalite = require('dynalite') as (opts: Record<string, unknown>) => Server;
  const server = dynalite({
    ...(options.path ? { path: options.path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}
