import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { onProfileMessage } from './profiler.ts';

/**
 * The baseline: bare oidc-provider with its in-memory adapter and one static client_credentials
 * client — the ceiling any wrapper can reach on this machine. Reports its URL over IPC and exits
 * when the bench says so or when its IPC channel closes.
 */
const provider = new Provider('http://127.0.0.1', {
  clients: [
    {
      client_id: 'bench',
      client_secret: 'bench-secret-bench-secret-bench-secret',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
    },
  ],
  features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
});
const server = provider.listen(0, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.send?.({
    url,
    node: process.version,
    machine: { id: 'bench', secret: 'bench-secret-bench-secret-bench-secret' },
  });
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
process.on('message', async (msg: string) => {
  await onProfileMessage(msg);
  process.send?.({ counts: {}, busyMs: {}, handlerMs: 0 });
  if (msg === 'exit') setImmediate(() => process.exit(0));
});
