import type { Invitation, InvitationStore } from '../../domain/ports.ts';

/** InvitationStore in memory, with the DynamoDB store's conditions. */
export class MemoryInvitationStore implements InvitationStore {
  readonly items = new Map<string, Invitation>();
  readonly #key = (tenantId: string, id: string) => `${tenantId}\0${id}`;

  async create(invitation: Invitation): Promise<void> {
    const key = this.#key(invitation.tenantId, invitation.id);
    if (this.items.has(key)) throw new Error('invitation id collision');
    this.items.set(key, structuredClone(invitation));
  }
  async get(tenantId: string, id: string): Promise<Invitation | null> {
    return structuredClone(this.items.get(this.#key(tenantId, id)) ?? null);
  }
  async list(tenantId: string): Promise<Invitation[]> {
    return [...this.items.values()]
      .filter((i) => i.tenantId === tenantId)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map((i) => structuredClone(i));
  }
  async replacePending(invitation: Invitation, expectedDigest: string): Promise<boolean> {
    const key = this.#key(invitation.tenantId, invitation.id);
    const current = this.items.get(key);
    if (current?.status !== 'pending' || current.secretDigest !== expectedDigest) return false;
    this.items.set(key, structuredClone(invitation));
    return true;
  }
}
