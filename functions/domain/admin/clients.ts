import { appLogoFromDataUrl, checkAccent } from '../branding.ts';
import {
  backchannelLogout,
  type ClientRegistration,
  checkAdminApi,
  checkRedirectUri,
  InvalidClient,
  type RegisteredClient,
  registerClient,
} from '../clients.ts';
import { audit } from '../deps.ts';
import { invalid } from '../federation/settings.ts';
import { type AdminApiAccess, type AppClient, NotFound } from '../ports.ts';
import { findTenant } from '../tenants.ts';
import { type Actor, actorId, requireAllowed } from './actor.ts';
import type { AdminDeps } from './users.ts';

/** Administration of relying apps: every use case takes the actor and goes through `authorize`. */
export async function addClient(
  deps: AdminDeps,
  actor: Actor,
  registration: ClientRegistration,
): Promise<RegisteredClient> {
  await requireAllowed(deps, actor, 'client.create', { clientId: registration.clientId });
  await existingAdminTenant(deps, registration.adminApi);
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
  input: {
    clientId: string;
    requireMfa?: boolean;
    memberInvites?: boolean;
    /** null: no admin API access any more (its tokens are refused from the next request on). */
    adminApi?: AdminApiAccess | null;
    /** null: the app is no longer told of logouts (clients.ts ClientRegistration). */
    backchannelLogoutUri?: string | null;
    /** The login page's look (domain/branding.ts): a data: URL image, a `#rrggbb` colour; null: none. */
    logo?: string | null;
    accent?: string | null;
  },
): Promise<AppClient> {
  await requireAllowed(deps, actor, 'client.update', { clientId: input.clientId });
  const client = await deps.clients.get(input.clientId);
  if (!client) throw new NotFound('client');
  if (input.adminApi) {
    const grants = client.metadata.grant_types as string[];
    checkAdminApi(input.adminApi, {
      wantsCode: grants.includes('authorization_code'),
      clientCredentials: grants.includes('client_credentials'),
    });
    await existingAdminTenant(deps, input.adminApi);
  }
  const metadata = withBackchannelLogout(client, input.backchannelLogoutUri);
  const branding = withBranding(client.branding, input);
  const changes = {
    ...(input.requireMfa !== undefined ? { requireMfa: input.requireMfa } : {}),
    ...(input.memberInvites !== undefined ? { memberInvites: input.memberInvites } : {}),
  };
  const { adminApi: _old, branding: _oldBranding, ...rest } = client;
  const adminApi = input.adminApi === undefined ? client.adminApi : input.adminApi;
  const updated: AppClient = {
    ...rest,
    metadata,
    ...(branding ? { branding } : {}),
    ...changes,
    ...(adminApi ? { adminApi } : {}),
  };
  await deps.clients.put(updated);
  await audit(deps, {
    type: 'client.updated',
    outcome: 'success',
    actor: actorId(actor),
    target: client.clientId,
    tenant: null,
    details: {
      ...changes,
      ...(input.adminApi !== undefined ? { adminApi: input.adminApi ?? 'none' } : {}),
      ...(input.backchannelLogoutUri !== undefined
        ? { backchannelLogoutUri: input.backchannelLogoutUri ?? 'none' }
        : {}),
      ...(input.logo !== undefined ? { logo: input.logo === null ? 'none' : 'set' } : {}),
      ...(input.accent !== undefined ? { accent: input.accent ?? 'none' } : {}),
    },
  });
  return updated;
}

/** The app's metadata with its back-channel logout URI set (a string), removed (null) or kept (undefined). */
function withBackchannelLogout(client: AppClient, uri: string | null | undefined): Record<string, unknown> {
  if (uri === undefined) return client.metadata;
  const { backchannel_logout_uri: _u, backchannel_logout_session_required: _r, ...rest } = client.metadata;
  if (uri === null) return rest;
  if (!(client.metadata.grant_types as string[]).includes('authorization_code'))
    throw new InvalidClient('backchannel_logout_uri');
  checkRedirectUri(uri);
  return { ...rest, ...backchannelLogout(uri) };
}

/** The app's branding after the change (undefined: none left). */
function withBranding(
  current: AppClient['branding'],
  input: { logo?: string | null; accent?: string | null },
): AppClient['branding'] {
  const next = { ...current };
  if (input.logo === null) delete next.logo;
  else if (input.logo !== undefined) next.logo = appLogoFromDataUrl(input.logo);
  if (input.accent === null) delete next.accent;
  else if (input.accent !== undefined) next.accent = checkAccent(input.accent);
  return next.logo || next.accent ? next : undefined;
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

/** An automation client of one tenant names a tenant that exists. */
async function existingAdminTenant(deps: AdminDeps, access: AdminApiAccess | undefined): Promise<void> {
  if (!access?.startsWith('tenant:')) return;
  if (!(await findTenant(deps, access.slice('tenant:'.length)))) throw invalid('unknown_tenant');
}
