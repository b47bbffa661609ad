import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { ClientStore } from '../domain/ports.ts';
import { ADMIN_API_METADATA } from './admin-resource.ts';

/**
 * Clients (relying apps) live in the directory, managed by the admin CLI; oidc-provider reads them
 * through this read-only adapter. `first_party` is Sesame metadata: such apps skip consent.
 */
export class DirectoryClientAdapter implements Adapter {
  constructor(private readonly clients: ClientStore) {}

  async find(id: string): Promise<AdapterPayload | undefined> {
    const client = await this.clients.get(id);
    if (!client) return undefined;
    return {
      ...client.metadata,
      client_id: client.clientId,
      first_party: client.firstParty,
      ...(client.adminApi ? { [ADMIN_API_METADATA]: client.adminApi } : {}),
    } as AdapterPayload;
  }

  async upsert(): Promise<undefined> {
    throw new Error('clients are managed through the admin CLI, not dynamic registration');
  }
  async findByUid(): Promise<undefined> {
    return undefined;
  }
  async findByUserCode(): Promise<undefined> {
    return undefined;
  }
  async consume(): Promise<undefined> {
    return undefined;
  }
  async destroy(): Promise<undefined> {
    return undefined;
  }
  async revokeByGrantId(): Promise<undefined> {
    return undefined;
  }
}
