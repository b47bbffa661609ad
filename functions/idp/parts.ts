import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Adapter } from 'oidc-provider';
import { ACCOUNT_CLIENT_NAME, CONSOLE_CLIENT_NAME } from '../account/client.ts';
import { cachedClientStore } from '../adapters/cached-client-store.ts';
import { dnsTxtRecords } from '../adapters/dns/txt-records.ts';
import { DynamoAccountActivity } from '../adapters/dynamodb/account-activity.ts';
import { DynamoAuditLog } from '../adapters/dynamodb/audit-log.ts';
import { createDynamo } from '../adapters/dynamodb/client.ts';
import { DynamoCredentialStore } from '../adapters/dynamodb/credential-store.ts';
import { keys as directoryKeys } from '../adapters/dynamodb/directory-keys.ts';
import {
  DynamoAuditSink,
  DynamoClientStore,
  DynamoRoleStore,
  DynamoSecretStore,
} from '../adapters/dynamodb/directory-stores.ts';
import {
  DynamoConnectionStore,
  DynamoFederationStateStore,
  DynamoLinkStore,
  DynamoTenantStore,
  DynamoUpstreamKeySets,
  SealedConnectionSecrets,
} from '../adapters/dynamodb/federation-stores.ts';
import { DynamoInvitationStore } from '../adapters/dynamodb/invitation-store.ts';
import { dynamoOidcAdapterFactory } from '../adapters/dynamodb/oidc-adapter.ts';
import { inRequestScope } from '../adapters/dynamodb/request-scope.ts';
import { DynamoSignInStore } from '../adapters/dynamodb/sign-in-store.ts';
import { DynamoUserStore } from '../adapters/dynamodb/user-store.ts';
import { mailerFor } from '../adapters/mail/index.ts';
import {
  cachedConnectionSecrets,
  SecretsManagerConnectionSecrets,
} from '../adapters/secrets/connection-secrets.ts';
import { MFA_KEYS_SECRET, secretBox } from '../adapters/secrets/secret-box.ts';
import { SecretsManagerSecretStore } from '../adapters/secrets/secrets-manager.ts';
import { ttlCache } from '../adapters/ttl-cache.ts';
import type { SesameParts } from '../app.ts';
import type { Config } from '../config/config.ts';
import { appBrandOf, brandOf } from '../domain/branding.ts';
import { ACCOUNT_CLIENT_ID, CONSOLE_CLIENT_ID } from '../domain/clients.ts';
import { type Clock, systemClock } from '../domain/clock.ts';
import { passwordlessOptions, passwordlessSignIn } from '../domain/credentials/passkey/passwordless.ts';
import type { DomainDeps } from '../domain/deps.ts';
import { normaliseEmail } from '../domain/email.ts';
import { loginButtons, routedDomain } from '../domain/federation/routing.ts';
import { domainOf, isLocalIssuer } from '../domain/federation/settings.ts';
import { loadOnce } from '../domain/load-once.ts';
import { authenticatePassword } from '../domain/login.ts';
import type { ConnectionSecrets, Mailer, SecretBox, SecretStore } from '../domain/ports.ts';
import { findTenant } from '../domain/tenants.ts';
import { lazyUpstreamClient } from '../federation/lazy-upstream.ts';
import { loggingAuditSink } from '../shared/audit-log.ts';
import { currentRequest, errorFields, type Logger } from '../shared/logger.ts';
import { mfaServices, policyStrength } from './mfa-services.ts';
import { signedInUser } from './signed-in-user.ts';

export interface DynamoParts extends SesameParts {
  close(): void;
}

function secretStore(config: Config, doc: ReturnType<typeof createDynamo>['doc']): SecretStore {
  if (config.secretStore.kind === 'secretsmanager') {
    // Read-only: keys are generated at deploy time; a missing key fails closed.
    return new SecretsManagerSecretStore(new SecretsManagerClient({}), { prefix: config.secretStore.prefix });
  }
  return new DynamoSecretStore(doc, config.tables.directory);
}

/** Where connection credentials live: Secrets Manager on AWS, else sealed in the directory table; read at most once a minute per container. */
function connectionSecrets(
  config: Config,
  doc: ReturnType<typeof createDynamo>['doc'],
  box: SecretBox,
): ConnectionSecrets {
  const store =
    config.secretStore.kind === 'secretsmanager'
      ? new SecretsManagerConnectionSecrets(new SecretsManagerClient({}), {
          prefix: config.secretStore.prefix,
        })
      : new SealedConnectionSecrets(doc, config.tables.directory, box);
  return cachedConnectionSecrets(store, { ttlMs: 60_000 });
}

/** Wires the DynamoDB adapters to the ports, the domain and the interaction services. */
export function createDynamoParts(
  config: Config,
  logger: Logger,
  /**
   * `dnsServers`: where TXT records are looked up (tests; the system's resolver otherwise); `secrets`:
   * where the keys are read (tests; else as the configuration says).
   */
  options: { clock?: Clock; mailer?: Mailer; dnsServers?: string[]; secrets?: SecretStore } = {},
): DynamoParts {
  const { raw, doc } = createDynamo(config);
  const clock = options.clock ?? systemClock;
  const users = new DynamoUserStore(doc, config.tables.directory);
  const clients = cachedClientStore(new DynamoClientStore(doc, config.tables.directory));
  const roles = new DynamoRoleStore(doc, config.tables.directory);
  const auditSink = loggingAuditSink(
    new DynamoAuditSink(doc, config.tables.audit, config.auditRetentionDays),
    logger,
  );
  const secrets = options.secrets ?? secretStore(config, doc);
  // The MFA keys are re-read every 5 minutes on the domain's clock; a failed re-read keeps the current ones.
  const box = secretBox(secrets, {
    now: () => clock.now().getTime(),
    onRefreshError: (err) =>
      logger.error('keys.refresh_failed', { keySet: MFA_KEYS_SECRET, ...errorFields(err) }),
  });
  const tenants = new DynamoTenantStore(doc, config.tables.directory);
  // A tenant's name (the `tenant` claim) and MFA requirement, read at most every 30 s per container
  // (as apps are); everything else reads the tenant afresh.
  const cachedTenant = ttlCache((id) => findTenant({ tenants }, id), { ttlMs: 30_000, maxEntries: 1000 });
  const signIns = new DynamoSignInStore(doc, config.tables.directory);
  const deps: DomainDeps = {
    users,
    clients,
    roles,
    audit: auditSink,
    clock,
    config,
    credentials: new DynamoCredentialStore(doc, config.tables.directory),
    signIns,
    box,
    mailer: options.mailer ?? mailerFor(config),
    tenants,
    connections: new DynamoConnectionStore(doc, config.tables.directory),
    connectionSecrets: connectionSecrets(config, doc, box),
    links: new DynamoLinkStore(doc, config.tables.directory),
    federationStates: new DynamoFederationStateStore(doc, config.tables.directory),
    invitations: new DynamoInvitationStore(doc, config.tables.directory),
    auditLog: new DynamoAuditLog(doc, config.tables.audit),
    dns: dnsTxtRecords(options.dnsServers),
    tenantSettings: cachedTenant,
    upstream: lazyUpstreamClient({
      allowLoopbackHttp: isLocalIssuer(config.issuer),
      logger,
      keySets: new DynamoUpstreamKeySets(doc, config.tables.directory),
    }),
  };
  const buttons = ttlCache(() => loginButtons(deps), { ttlMs: 30_000, maxEntries: 1 });
  const routes = ttlCache((domain) => routedDomain(deps, domain), {
    ttlMs: 30_000,
    maxEntries: 1000,
  });
  // The rare parts of a sign-in, loaded by the first request that needs them, not at every cold start
  // (domain/load-once.ts): an invitation, a password reset, an upstream leg (the login page's buttons
  // and the routing of an address, above, are on every sign-in and stay).
  const invitations = loadOnce(async () =>
    (await import('./invitation-services.ts')).invitationServices(deps, config),
  );
  const reset = loadOnce(async () => (await import('./reset-services.ts')).resetServices(deps));
  const upstream = loadOnce(async () => (await import('./upstream-services.ts')).upstreamServices(deps));
  const oidcAdapter = dynamoOidcAdapterFactory({
    doc,
    tableName: config.tables.oidc,
    seenFrom: currentRequest,
    // findAccount reads the user item (user-store.ts): redeeming a code starts that read early.
    accountItem: (accountId) => ({ table: config.tables.directory, key: directoryKeys.user(accountId) }),
  });
  return {
    deps,
    logger,
    secrets,
    policyStrength: policyStrength(deps),
    adapterFor: (model: string): Adapter => oidcAdapter(model),
    activity: new DynamoAccountActivity(doc, config.tables.oidc),
    requestScope: inRequestScope,
    services: {
      expectSignIn(email) {
        try {
          users.expectEmailLookup(normaliseEmail(email).emailKey);
        } catch {
          // Not an address: the sign-in fails without a look-up, as it would have.
        }
      },
      // A passkey's answer: whether another user's sign-in waits on this interaction is read with it.
      expectPasskeySignIn: (uid) => signIns.expectPending(uid),
      passwordPolicy: config.passwordPolicy,
      emailOf: async (userId) => (await users.findById(userId))?.email ?? null,
      async login({ email, password, info, secondStepNeeded }) {
        const outcome = await authenticatePassword(deps, {
          email,
          password,
          context: info,
          secondStepNeeded: (user) => secondStepNeeded(signedInUser(user)),
          // A tenant that signs in through its connections only: the right password is no way in (and
          // only whoever knew it learns why). Marked on the user by the switch: nothing more to read.
          refuse: async (user) => (user.federationOnly ? 'federation_only' : null),
        });
        if (!outcome.ok)
          return outcome.reason === 'refused' ? { ok: false, federationOnly: true } : { ok: false };
        return { ok: true, userId: outcome.user.id, user: signedInUser(outcome.user) };
      },
      passkey: {
        options: (uid) => passwordlessOptions(deps, uid),
        async signIn({ uid, response, info }) {
          const outcome = await passwordlessSignIn(deps, {
            uid,
            response,
            context: info,
            // As for the password: a tenant that signs in through its connections only.
            refuse: async (user) => (user.federationOnly ? 'federation_only' : null),
          });
          if (!outcome.ok) {
            if (outcome.reason === 'taken') return { ok: false, taken: true };
            return outcome.reason === 'refused' ? { ok: false, federationOnly: true } : { ok: false };
          }
          return { ok: true, userId: outcome.user.id, amr: outcome.amr };
        },
      },
      federation: {
        // What the login page shows and where it routes an address are read at most every 30 s per
        // container; starting and finishing a sign-in read the connection afresh.
        buttons: () => buttons(''),
        routeFor: (email) => routes(domainOf(email)),
        start: async (input) => (await upstream()).start(input),
        finish: async (input) => (await upstream()).finish(input),
        linkOffer: async (uid) => (await upstream()).linkOffer(uid),
        acceptLink: async (input) => (await upstream()).acceptLink(input),
        logoutUrl: async (input) => (await upstream()).logoutUrl(input),
        afterLogout: async (input) => (await upstream()).afterLogout(input),
      },
      invitations: {
        open: async (token) => (await invitations()).open(token),
        createAccount: async (token, input) => (await invitations()).createAccount(token, input),
        accept: async (input) => (await invitations()).accept(input),
        acceptFromSession: async (input) => (await invitations()).acceptFromSession(input),
      },
      async clientInfo(clientId) {
        if (clientId === ACCOUNT_CLIENT_ID) return { name: ACCOUNT_CLIENT_NAME, brand: null };
        if (clientId === CONSOLE_CLIENT_ID) return { name: CONSOLE_CLIENT_NAME, brand: null };
        const client = await clients.get(clientId);
        return client
          ? { name: String(client.metadata.client_name ?? client.clientId), brand: appBrandOf(client) }
          : null;
      },
      brand: {
        ofTenant: async (tenantId) => brandOf(await deps.tenantSettings(tenantId)),
        async ofUser(userId) {
          const user = await users.findById(userId);
          return user ? brandOf(await deps.tenantSettings(user.tenantId)) : null;
        },
      },
      mfa: mfaServices(deps),
      reset: {
        request: async (input) => (await reset()).request(input),
        verify: async (input) => (await reset()).verify(input),
        needsFactor: async (uid) => (await reset()).needsFactor(uid),
        complete: async (input) => (await reset()).complete(input),
      },
    },
    close: () => raw.destroy(),
  };
}
