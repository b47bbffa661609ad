import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/**
 * The baseline: bare oidc-provider with its in-memory adapter and one static client_credentials
 * client — the ceiling any wrapper can reach on this machine. Reports its URL over IPC.
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
  process.send?.({ url, machine: { id: 'bench', secret: 'bench-secret-bench-secret-bench-secret' } });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
