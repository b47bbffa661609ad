import { type ClientRegistration, type RegisteredClient, registerClient } from '../clients.ts';
import { audit } from '../deps.ts';
import { type AppClient, NotFound } from '../ports.ts';
import { type Actor, actorId, requireAllowed } from './actor.ts';
import type { AdminDeps } from './users.ts';

/** Administration of relying apps: every use case takes the actor and goes through `authorize`. */
export async function addClient(
  deps: AdminDeps,
  actor: Actor,
  registration: ClientRegistration,
): Promise<RegisteredClient> {
  await requireAllowed(deps, actor, 'client.create', { clientId: registration.clientId });
  const registered = await registerClient(deps.clients, registration, deps.clock.now());
  await audit(deps, {
    type: 'client.created',
    outcome: 'success',
    actor: actorId(actor),
    target: registered.client.clientId,
    tenant: null,
  });
  return registered;
}

export async function updateClient(
  deps: AdminDeps,
  actor: Actor,
  input: { clientId: string; requireMfa?: boolean; memberInvites?: boolean },
): Promise<AppClient> {
  await requireAllowed(deps, actor, 'client.update', { clientId: input.clientId });
  const client = await deps.clients.get(input.clientId);
  if (!client) throw new NotFound('client');
  const changes = {
    ...(input.requireMfa !== undefined ? { requireMfa: input.requireMfa } : {}),
    ...(input.memberInvites !== undefined ? { memberInvites: input.memberInvites } : {}),
  };
  const updated = { ...client, ...changes };
  await deps.clients.put(updated);
  await audit(deps, {
    type: 'client.updated',
    outcome: 'success',
    actor: actorId(actor),
    target: client.clientId,
    tenant: null,
    details: changes,
  });
  return updated;
}

export async function showClient(
  deps: AdminDeps,
  actor: Actor,
  input: { clientId: string },
): Promise<AppClient> {
  await requireAllowed(deps, actor, 'client.read', { clientId: input.clientId });
  const client = await deps.clients.get(input.clientId);
  if (!client) throw new NotFound('client');
  return client;
}

export async function listClients(deps: AdminDeps, actor: Actor): Promise<AppClient[]> {
  await requireAllowed(deps, actor, 'client.read', {});
  return deps.clients.list();
}
